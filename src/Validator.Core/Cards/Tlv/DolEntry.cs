namespace Validator.Core.Cards;

/// <summary>One entry of a data object list (PDOL 9F38, CDOL1 8C): the tag the card wants and how many bytes.</summary>
internal readonly record struct DolEntry(uint Tag, int Length);
