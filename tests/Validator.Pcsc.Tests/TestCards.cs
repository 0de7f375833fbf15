using Validator.Testing;
using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Pcsc.Tests;

/// <summary>Small card models for transport tests; the EMV profiles live in Validator.Simulation.</summary>
internal static class TestCards
{
    /// <summary>PC/SC part 3 pseudo-ATR of a MIFARE Classic 1K, as contactless readers report it.</summary>
    public static readonly byte[] MifareAtr = Hex.Parse("3B8F8001804F0CA000000306030001000000006A");

    /// <summary>Answers every command with its bytes reversed and 9000: any mix-up of commands shows.</summary>
    public sealed class Echo(byte[] atr) : ICardModel
    {
        public byte[] Atr { get; } = atr;

        public int Resets { get; private set; }

        public void Reset() => Resets++;

        public CardReply Process(ReadOnlySpan<byte> command)
        {
            var data = command.ToArray();
            Array.Reverse(data);
            return CardReply.Answer(data, 0x9000);
        }
    }

    /// <summary>Answers by a function, for status-word handling tests.</summary>
    public sealed class Scripted(byte[] atr, Func<byte[], CardReply> answer) : ICardModel
    {
        public byte[] Atr { get; } = atr;

        public void Reset()
        {
        }

        public CardReply Process(ReadOnlySpan<byte> command) => answer(command.ToArray());
    }
}
