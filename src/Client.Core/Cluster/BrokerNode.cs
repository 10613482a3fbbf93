using Microsoft.Extensions.Logging;
using Samsa.Client.Connections;
using Samsa.Client.Diagnostics;

namespace Samsa.Client.Cluster;

/// <summary>
/// The client's single connection to one broker (or bootstrap address): opened on demand, shared by all callers,
/// reopened after failure with exponential backoff and jitter (<c>reconnect.backoff.ms</c>, <c>reconnect.backoff.max.ms</c>).
/// </summary>
internal sealed class BrokerNode
{
    private readonly KafkaCluster _cluster;
    private readonly object _gate = new();
    private Task<KafkaConnection>? _connection;
    private int _failures;
    private long _nextAttempt;

    public BrokerNode(KafkaCluster cluster, int? nodeId, BrokerAddress address)
    {
        _cluster = cluster;
        NodeId = nodeId;
        Address = address;
    }

    public int? NodeId { get; }

    public BrokerAddress Address { get; set; }

    /// <summary>The open connection, or null.</summary>
    public KafkaConnection? Current
    {
        get
        {
            lock (_gate) return _connection is { IsCompletedSuccessfully: true } t && t.Result.IsConnected ? t.Result : null;
        }
    }

    public bool IsBackingOff => _failures > 0 && _cluster.Time.GetTimestamp() < Volatile.Read(ref _nextAttempt);

    public ValueTask<KafkaConnection> GetAsync(CancellationToken cancellationToken)
    {
        Task<KafkaConnection> task;
        lock (_gate)
        {
            if (_connection is { IsCompletedSuccessfully: true } done && done.Result.IsConnected) return new ValueTask<KafkaConnection>(done.Result);
            if (_connection is null || _connection.IsCompleted) _connection = ConnectAsync();
            task = _connection;
        }
        return new ValueTask<KafkaConnection>(task.WaitAsync(cancellationToken));
    }

    private async Task<KafkaConnection> ConnectAsync()
    {
        var time = _cluster.Time;
        long wait = Volatile.Read(ref _nextAttempt) - time.GetTimestamp();
        if (_failures > 0 && wait > 0) await Task.Delay(time.GetElapsedTime(0, wait), time, _cluster.Stopping).ConfigureAwait(false);
        try
        {
            var connection = await KafkaConnection.ConnectAsync(_cluster.Transport, Address, _cluster.Options, NodeId,
                _cluster.LoggerFactory, time, _cluster.Stopping).ConfigureAwait(false);
            _failures = 0;
            return connection;
        }
        catch (Exception e)
        {
            int failures = ++_failures;
            var backoff = Backoff.Compute(_cluster.Options.ReconnectBackoffMs, _cluster.Options.ReconnectBackoffMaxMs, failures);
            Volatile.Write(ref _nextAttempt, time.GetTimestamp() + (long)(backoff.TotalSeconds * time.TimestampFrequency));
            Log.ConnectAttemptFailed(_cluster.Logger, e, Address.ToString(), failures, (long)backoff.TotalMilliseconds);
            throw;
        }
    }

    /// <summary>Closes the connection if it has been idle longer than <paramref name="maxIdle"/> with nothing in flight.</summary>
    public async ValueTask ReapIfIdleAsync(TimeSpan maxIdle)
    {
        var current = Current;
        if (current is null || current.InFlightCount > 0 || current.IdleTime < maxIdle) return;
        Log.IdleConnectionClosed(_cluster.Logger, Address.ToString(), (long)maxIdle.TotalMilliseconds);
        await current.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask CloseAsync()
    {
        Task<KafkaConnection>? task;
        lock (_gate) task = _connection;
        if (task is { IsCompletedSuccessfully: true }) await task.Result.DisposeAsync().ConfigureAwait(false);
    }
}
