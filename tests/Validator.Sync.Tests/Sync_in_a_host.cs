using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Validator.Backoffice.Tests.Support;
using Validator.Storage.Journal;
using Validator.Storage.Lists;
using Validator.Sync.Lists;
using Validator.Sync.Upload;

namespace Validator.Sync.Tests;

public sealed class Sync_in_a_host
{
    [Test]
    public async Task A_host_with_the_sync_jobs_uploads_new_taps_and_loads_the_lists_on_its_own()
    {
        await using var backoffice = await TestBackoffice.StartAsync();
        await backoffice.AddDenyAsync(new Core.Lists.DenyEntry { Token = TestTaps.Token(4), Reason = Core.Lists.DenyReason.Lost, AddedAt = DateTimeOffset.UtcNow });
        var directory = Path.Combine(Path.GetTempPath(), "sync-host-" + Guid.NewGuid().ToString("N"));
        var options = DeviceRig.OptionsFor(backoffice.Url, backoffice.Running.PublicKeyPem, directory);
        options.UploadInterval = TimeSpan.FromHours(1); // only a nudge can make it upload again within the test

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(_ => TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(directory, "journal") }));
        builder.Services.AddSingleton(_ => StoredLists.Open(Path.Combine(directory, "lists.db"), TimeProvider.System));
        builder.Services.AddValidatorSync(options);
        using var host = builder.Build();
        var drains = new BlockingCollection<UploadReport>();
        var listRounds = new BlockingCollection<IReadOnlyList<ListUpdateReport>>();
        host.Services.GetRequiredService<Uploader>().Drained += (_, r) => drains.Add(r);
        host.Services.GetRequiredService<ListUpdater>().Updated += (_, r) => listRounds.Add(r);

        await host.StartAsync();
        var journal = host.Services.GetRequiredService<TapJournal>();
        Assert.That(listRounds.TryTake(out var lists, TimeSpan.FromSeconds(15)), Is.True, "the list job runs at start");
        var taps = TestTaps.Taps(TestBackoffice.DeviceA, 25).Select(t => journal.Append(t)).ToList();
        host.Services.GetRequiredService<Services.UploadService>().Nudges.Signal();

        var acknowledged = 0;
        for (var i = 0; i < 10 && acknowledged < taps.Count; i++)
        {
            Assert.That(drains.TryTake(out var report, TimeSpan.FromSeconds(15)), Is.True, "the upload job drains when nudged");
            acknowledged += report!.Acknowledged;
        }
        await host.StopAsync();

        Assert.That(acknowledged, Is.EqualTo(25));
        Assert.That((await backoffice.StoredTapsAsync(TestBackoffice.DeviceA)).Select(t => t.Id), Is.EqualTo(taps.Select(t => t.Id)));
        Assert.That(lists!.Single(r => r.List == Core.Sync.ListKind.Deny).Outcome, Is.EqualTo(ListUpdateOutcome.Applied));
        Assert.That(host.Services.GetRequiredService<StoredLists>().Live.Current.DenyList.Count, Is.EqualTo(1));
        host.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
