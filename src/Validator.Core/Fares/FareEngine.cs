using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Lists;

namespace Validator.Core.Fares;

/// <summary>
/// The fare rules as one pure function: the same tap, lists, recent taps and clock always give the same decision.
/// Rules run in a fixed order (docs/fares.md): read result, deny list, card expiry, repeat tap, entitlements,
/// pay-as-you-go, and the first that decides wins.
/// </summary>
public static class FareEngine
{
    /// <summary>Decides one tap on <paramref name="lists"/> with <paramref name="recent"/> as the memory of earlier taps.</summary>
    public static FareDecision Decide(FareRequest request, ListSnapshot lists, IRecentTaps recent)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(recent);

        var policy = lists.Policy;
        var clock = request.Clock;
        var (judgedAt, knowTimeOfDay) = JudgedTime(clock, policy);
        var denyStale = lists.DenyStamp.IsStale(judgedAt, policy.DenyListMaxAge);
        var basis = new FareDecision
        {
            Outcome = FareOutcome.Rejected,
            Reason = FareReasons.NoTicket,
            ClockTrust = clock.Trust,
            DecidedAt = clock.Now,
            DecidedAtMonotonic = clock.Monotonic,
            JudgedAt = judgedAt,
            ListsStale = denyStale || lists.EntitlementStamp.IsStale(judgedAt, policy.EntitlementsMaxAge),
            Lists = lists.Versions,
        };

        var read = request.Read;
        if (read.Outcome == CardReadOutcome.NotSupported) return basis with { Reason = FareReasons.NotSupported };
        if (read.Outcome != CardReadOutcome.Identified || read.Identity is null)
        {
            return basis with { Outcome = FareOutcome.TapAgain, Reason = TapAgainReason(read.Reason) };
        }
        var card = read.Identity;

        if (lists.DenyList.TryMatch(card, out var denyReason))
        {
            return basis with { Reason = FareReasons.Denied, DenyReason = denyReason };
        }

        var local = TimeZoneInfo.ConvertTime(judgedAt, lists.TimeZone).DateTime;
        var today = DateOnly.FromDateTime(local);
        if (CardExpiry.TryParse(card.Expiry, out var expiry) && today > CardExpiry.LastValidDay(expiry))
        {
            return basis with { Reason = FareReasons.CardExpired };
        }

        // The gap between two taps, not dates: right even when the date is not, and (by the monotonic clock) even when
        // the wall clock was set forward or back between them.
        if (recent.TryGetLastAccepted(card.Token, out var last) && last.Before(clock) < policy.RepeatTapWindow)
        {
            return basis with { Outcome = FareOutcome.AlreadyValidated, Reason = FareReasons.AlreadyValidated, Product = last.Product };
        }

        lists.Entitlements.Find(card, out var byToken, out var byPar);
        var timeOfDay = TimeOnly.FromDateTime(local);
        var best = EntitlementCheck.UnknownProduct;
        EntitlementEntry found = default;
        for (var i = 0; i < byToken.Length; i++) Consider(byToken[i], ref best, ref found);
        for (var i = 0; i < byPar.Length; i++) Consider(byPar[i], ref best, ref found);
        if (best == EntitlementCheck.Valid)
        {
            return basis with { Outcome = FareOutcome.Accepted, Reason = FareReasons.AcceptedPass, Product = found.Product, EntitlementId = found.Id };
        }

        if (policy.AcceptPayAsYouGo && card.Kind == CardKind.Emv)
        {
            if (policy.PayAsYouGoNeedsFreshDenyList && denyStale) return basis with { Reason = FareReasons.ListsStale };
            return basis with { Outcome = FareOutcome.Accepted, Reason = FareReasons.AcceptedPayAsYouGo, Chargeable = true };
        }

        // No pass at all and passes for unknown products alike give "no ticket".
        return basis with { Reason = EntitlementRules.ReasonFor(best) };

        void Consider(EntitlementEntry candidate, ref EntitlementCheck bestSoFar, ref EntitlementEntry bestEntitlement)
        {
            if (bestSoFar == EntitlementCheck.Valid) return;
            var check = EntitlementRules.Check(candidate, lists, today, timeOfDay, local.DayOfWeek, knowTimeOfDay, request.Location);
            if (check > bestSoFar)
            {
                bestSoFar = check;
                bestEntitlement = candidate;
            }
        }
    }

    /// <summary>
    /// The time date rules are judged by, and whether the time of day can be believed. Only a clock proven wrong
    /// (behind the last trusted time) is replaced; an unsynced clock that looks plausible is used and flagged.
    /// </summary>
    internal static (DateTimeOffset JudgedAt, bool KnowTimeOfDay) JudgedTime(ClockReading clock, FarePolicy policy)
    {
        if (clock.Trust == ClockTrust.BehindLastKnown && policy.ClockPolicy == ClockPolicy.UseLastTrustedDate && clock.LastTrusted is { } last)
        {
            return (last, false);
        }
        return (clock.Now, true);
    }

    private static string TapAgainReason(CardReadReason reason) => reason switch
    {
        CardReadReason.CardRemoved => FareReasons.CardRemoved,
        CardReadReason.Timeout => FareReasons.Timeout,
        CardReadReason.ReaderFault => FareReasons.ReaderFault,
        _ => FareReasons.ReadError,
    };
}
