namespace Validator.Daemon.Tests;

/// <summary>The scanner that proves outputs hold no card number finds one in every usual form and not in a GUID.</summary>
[TestFixture]
public sealed class Pan_scanner
{
    [Test]
    public void A_card_number_written_plain_spaced_or_dashed_is_found()
    {
        Assert.That(PanScanner.Find("card 5413330089600010 read"), Has.Count.EqualTo(1));
        Assert.That(PanScanner.Find("card 5413 3300 8960 0010 read"), Has.Count.EqualTo(1));
        Assert.That(PanScanner.Find("card 5413-3300-8960-0010 read"), Has.Count.EqualTo(1));
    }

    [Test]
    public void A_guid_whose_first_groups_are_digits_that_pass_luhn_is_not_a_card_number()
    {
        // The digits of the first three groups, 3523687874754894, pass the Luhn check; a test result file held this id.
        const string Id = "35236878-7475-4894-bac9-372baf0c2ac7";
        Assert.That(PanScanner.Find($"<UnitTestResult executionId=\"{Id}\" />"), Is.Empty);
        Assert.That(PanScanner.Find("35236878-7475-4894"), Has.Count.EqualTo(1), "the same digits outside a GUID are still a finding");
    }
}
