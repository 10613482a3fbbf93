using Samsa.Broker.Mini;

namespace Samsa.Admin.Tests;

/// <summary>Shared set-up: a Broker.Mini cluster on sockets and an admin client for it.</summary>
internal static class AdminKit
{
    /// <summary>Hang guard for whole operations (generous: the machine is small and shared).</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    public static Task<MiniCluster> StartAsync(int brokers = 3, IReadOnlyList<string?>? racks = null) =>
        MiniCluster.StartAsync(new MiniClusterOptions
        {
            Brokers = brokers,
            Racks = racks,
            BrokerConfigs = { ["offsets.topic.num.partitions"] = "5", ["group.initial.rebalance.delay.ms"] = "0" },
        });

    /// <summary>Polls <paramref name="condition"/> until true; fails only when it never becomes true within the guard.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    public static AdminClient Admin(string bootstrap, int defaultApiTimeoutMs = 30_000) =>
        new(new AdminOptions { BootstrapServers = bootstrap, DefaultApiTimeoutMs = defaultApiTimeoutMs, RequestTimeoutMs = Math.Min(15_000, defaultApiTimeoutMs) });

    public static CancellationToken Token => new CancellationTokenSource(Guard).Token;
}
