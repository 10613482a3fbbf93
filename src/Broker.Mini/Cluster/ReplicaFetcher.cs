using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>
/// A broker's replica fetcher: one owned task that keeps every follower replica on the broker caught up with its
/// leader (<see cref="ClusterState.Replicate"/>). It loops while there is work and otherwise waits for the next
/// append or state change (<see cref="ClusterState.DataArrived"/>); there is no polling. Runs while the broker is up.
/// </summary>
internal sealed class ReplicaFetcher : IAsyncDisposable
{
    private readonly ClusterState _state;
    private readonly int _brokerId;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private ReplicaFetcher(ClusterState state, int brokerId, ILogger logger)
    {
        _state = state;
        _brokerId = brokerId;
        _logger = logger;
    }

    public static ReplicaFetcher Start(ClusterState state, int brokerId, ILogger logger)
    {
        var fetcher = new ReplicaFetcher(state, brokerId, logger);
        fetcher._loop = Task.Run(fetcher.RunAsync);
        return fetcher;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                Task wake;
                lock (_state.Sync)
                {
                    if (_state.Replicate(_brokerId)) continue;
                    wake = _state.DataArrived;
                }
                await wake.WaitAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Broker stopped.
        }
        catch (Exception ex)
        {
            Log.ReplicaFetcherFailed(_logger, ex, _brokerId);
        }
    }
}
