using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Validator.Backoffice.Tests.Support;

namespace Validator.Backoffice.Tests;

/// <summary>Requests the fuzzer found answered with 500 or an empty 400: each now gets a 4xx problem document and stores nothing.</summary>
public sealed class Damaged_requests
{
    private TestBackoffice _backoffice = null!;

    [SetUp]
    public async Task Start() => _backoffice = await TestBackoffice.StartAsync();

    [TearDown]
    public async Task Stop() => await _backoffice.DisposeAsync();

    private static ByteArrayContent Json(byte[] body, bool gzip = false)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (gzip) content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"title\""), "a problem document says what was wrong");
    }

    [Test]
    public async Task A_tap_batch_that_is_not_valid_gzip_is_answered_400()
    {
        using var device = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);
        byte[] broken = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];

        using var response = await device.PostAsync($"/v1/devices/{TestBackoffice.DeviceA}/taps", Json(broken, gzip: true));

        await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.That((await _backoffice.StatsAsync()).TapsStored, Is.Zero);
    }

    [Test]
    public async Task A_tap_batch_holding_null_is_answered_400()
    {
        using var device = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);

        using var response = await device.PostAsync($"/v1/devices/{TestBackoffice.DeviceA}/taps", Json("{\"taps\":[null]}"u8.ToArray()));

        await AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [TestCase("/v1/admin/deny", "POST", "[null]")]
    [TestCase("/v1/admin/entitlements", "PUT", "[null]")]
    [TestCase("/v1/admin/entitlements/remove", "POST", "[null]")]
    [TestCase("/v1/admin/policy", "PUT", "{\"products\":[null]}")]
    [TestCase("/v1/admin/policy", "PUT", "{\"repeatTapWindow\":\"x\"}")]
    [TestCase("/v1/admin/deny", "POST", "[{\"token\":1}]")]
    public async Task An_admin_change_with_null_entries_or_unbindable_json_is_answered_400_and_writes_nothing(string path, string method, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(Encoding.UTF8.GetBytes(body)) };

        using var response = await _backoffice.Admin.SendAsync(request);

        await AssertProblem(response, HttpStatusCode.BadRequest);
        var versions = (await _backoffice.StatsAsync()).Lists;
        Assert.That((versions.DenyList, versions.Entitlements, versions.Policy), Is.EqualTo((0L, 0L, 0L)));
    }

    [Test]
    public async Task Admin_routes_without_the_admin_token_or_with_a_wrong_one_are_refused_with_401()
    {
        using var anonymous = new HttpClient { BaseAddress = _backoffice.Url };
        using var wrong = new HttpClient { BaseAddress = _backoffice.Url };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-admin-token-0000000");

        foreach (var client in new[] { anonymous, wrong })
        {
            using var stats = await client.GetAsync("/v1/admin/stats");
            using var deny = await client.PostAsync("/v1/admin/deny", Json("[]"u8.ToArray()));
            Assert.That(stats.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(deny.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
    }

    [Test]
    public async Task Device_A_cannot_read_lists_through_device_B_routes()
    {
        using var deviceA = _backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);

        using var response = await deviceA.GetAsync($"/v1/devices/{TestBackoffice.DeviceB}/lists/deny");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
