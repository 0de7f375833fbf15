namespace Validator.Fuzz.Targets;

/// <summary>Damage to files as power loss and worn SD cards do it: flipped bits, overwritten or zeroed runs, cut tails, garbage tails, lost files.</summary>
internal static class FileDamage
{
    /// <summary>Where damaged copies are made: tmpfs when there is one, so the run measures the code, not the SD card.</summary>
    public static string ScratchRoot() => Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    public static void Damage(string path, Random random, FuzzInput input, IReadOnlyList<byte[]> corpus)
    {
        var name = Path.GetFileName(path);
        var bytes = File.ReadAllBytes(path);
        switch (random.Next(9))
        {
            case 0:
                File.Delete(path);
                input.Steps.Add($"{name}: deleted");
                return;
            case 1:
                var cut = bytes.Length == 0 ? 0 : random.Next(bytes.Length);
                bytes = bytes[..cut];
                input.Steps.Add($"{name}: cut to {cut}");
                break;
            case 2:
                var zeroAt = bytes.Length == 0 ? 0 : random.Next(bytes.Length);
                var zeroes = Math.Min(bytes.Length - zeroAt, random.Next(2) == 0 ? 1 + random.Next(64) : 512 * (1 + random.Next(16)));
                bytes.AsSpan(zeroAt, zeroes).Clear();
                input.Steps.Add($"{name}: {zeroes} bytes zeroed at {zeroAt}");
                break;
            case 3:
                var tail = new byte[1 + random.Next(4096)];
                random.NextBytes(tail);
                bytes = [.. bytes, .. tail];
                input.Steps.Add($"{name}: {tail.Length} garbage bytes appended");
                break;
            case 4:
                // A page from elsewhere in the file: a torn write that landed at the wrong place.
                const int page = 8192;
                if (bytes.Length >= 2 * page)
                {
                    int from = random.Next(bytes.Length / page) * page, to = random.Next(bytes.Length / page) * page;
                    bytes.AsSpan(from, page).CopyTo(bytes.AsSpan(to, page));
                    input.Steps.Add($"{name}: page at {from} copied over {to}");
                    break;
                }
                goto default;
            default:
                var before = input.Steps.Count;
                bytes = Mutator.MutateBinary(bytes, corpus, random, input, tlvAware: false);
                for (var i = before; i < input.Steps.Count; i++) input.Steps[i] = $"{name}: {input.Steps[i]}";
                break;
        }
        File.WriteAllBytes(path, bytes);
    }
}
