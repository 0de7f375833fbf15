using System.Net;
using System.Text.Json;
using Validator.Backoffice.Chaos;
using Validator.Backoffice.Tests.Support;

namespace Validator.Backoffice.Tests;

public sealed class OpenApi_and_chaos
{
    [Test]
    public async Task The_OpenAPI_description_is_served_and_names_the_device_and_admin_routes()
    {
        await using var backoffice = await TestBackoffice.StartAsync();
        using var client = new HttpClient { BaseAddress = backoffice.Url };

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(paths, Does.Contain("/v1/devices/{deviceId}/taps"));
        Assert.That(paths, Does.Contain("/v1/devices/{deviceId}/lists/{list}"));
        Assert.That(paths, Does.Contain("/v1/admin/deny"));
        var components = document.RootElement.GetProperty("components");
        Assert.That(components.GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
        var tap = components.GetProperty("schemas").GetProperty("TapRecord").GetProperty("properties");
        var token = tap.GetProperty("cardToken");
        if (token.TryGetProperty("$ref", out var reference))
            token = components.GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        Assert.That(token.GetProperty("type").GetString(), Is.EqualTo("string"), "a token travels as 32 hex digits");
    }

    [Test]
    public async Task The_chaos_switch_fails_exactly_the_next_n_requests_with_retry_after_then_lets_them_through()
    {
        await using var backoffice = await TestBackoffice.StartAsync();
        using var device = backoffice.DeviceClient(TestBackoffice.DeviceA, TestBackoffice.SecretA);
        await backoffice.SetChaosAsync(new ChaosRequest { Count = 2, FailWithStatus = 429, RetryAfterSeconds = 3 });

        var statuses = new List<HttpStatusCode>();
        TimeSpan? retryAfter = null;
        for (var i = 0; i < 3; i++)
        {
            using var response = await device.GetAsync($"/v1/devices/{TestBackoffice.DeviceA}/status");
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.RetryAfter?.Delta;
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK }));
        Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task Without_chaos_enabled_the_switch_does_not_exist()
    {
        await using var backoffice = await TestBackoffice.StartAsync(o => o.EnableChaos = false);

        using var response = await backoffice.Admin.GetAsync("/v1/admin/chaos");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
