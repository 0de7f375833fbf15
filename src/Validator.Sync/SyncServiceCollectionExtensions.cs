using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Validator.Sync.Heartbeats;
using Validator.Sync.Lists;
using Validator.Sync.Services;
using Validator.Sync.Upload;
using Validator.Sync.Upstream;

namespace Validator.Sync;

/// <summary>Registers the upstream jobs (upload, list update, heartbeat) in a host.</summary>
public static class SyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds the upstream client, the uploader, the list updater, the heartbeat sender and their background services.
    /// The host must already provide the <c>TapJournal</c> and the <c>StoredLists</c>; <paramref name="options"/> is
    /// validated here, so a bad configuration stops the start with what to fix.
    /// </summary>
    public static IServiceCollection AddValidatorSync(this IServiceCollection services, SyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => new UpstreamClient(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Uploader>();
        services.AddSingleton<ListUpdater>();
        services.AddSingleton<HeartbeatSender>();
        services.AddSingleton<UploadService>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadService>());
        services.AddHostedService<ListUpdateService>();
        services.AddHostedService<HeartbeatService>();
        return services;
    }
}
