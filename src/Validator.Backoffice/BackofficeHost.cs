using System.Security.Cryptography;

namespace Validator.Backoffice;

/// <summary>Starts the back office in this process (the daemon's demo, tests) on Kestrel.</summary>
public static class BackofficeHost
{
    /// <summary>Starts listening on <see cref="BackofficeOptions.Url"/> and returns once requests are served.</summary>
    public static async Task<RunningBackoffice> StartAsync(BackofficeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Url);
        if (options.ServerCertificate is { } certificate)
        {
            // The slim builder leaves HTTPS out unless asked for.
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = BackofficeApp.Build(builder, options);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Build opened the database (its stores are built before serving): a start that fails (the port taken)
            // must not leave the file open in this process.
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new RunningBackoffice(app, BackofficeApp.BoundUrl(app), app.Services.GetRequiredService<ECDsa>());
    }
}

/// <summary>A back office running in this process; dispose to stop it.</summary>
public sealed class RunningBackoffice : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal RunningBackoffice(WebApplication app, Uri url, ECDsa key)
    {
        _app = app;
        Url = url;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The address it listens on, with the port actually bound.</summary>
    public Uri Url { get; }

    /// <summary>The public half of the list signing key, for device configuration.</summary>
    public string PublicKeyPem { get; }

    /// <summary>The application's services (tests read its stores through them).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Stops Kestrel and closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
