using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Samsa.Client.Diagnostics;
using Samsa.Protocol;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Connections;

public sealed partial class KafkaConnection
{
    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var output = _pipe.Output;
        var token = _stop.Token;
        PendingRequest? current = null; // dequeued but not yet handed over: failed here if the loop stops
        try
        {
            // No token here: a cancellable wait allocates a fresh channel operation every time the loop goes idle (once per
            // request at low load), whereas the uncancellable one reuses a singleton. Fail completes the channel, which ends
            // the wait, before it cancels the token.
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (!token.IsCancellationRequested && reader.TryRead(out var pending))
                {
                    current = pending;
                    if (pending.IsCompleted)
                    {
                        current = null;
                        pending.Release(); // cancelled while queued: never written
                        continue;
                    }
                    if (!_slots.Wait(0))
                    {
                        await FlushAsync(output, token).ConfigureAwait(false);
                        await _slots.WaitAsync(token).ConfigureAwait(false);
                    }
                    long throttle = Volatile.Read(ref _throttledUntil) - _time.GetTimestamp();
                    if (throttle > 0)
                    {
                        await FlushAsync(output, token).ConfigureAwait(false);
                        await Task.Delay(_time.GetElapsedTime(0, throttle), _time, token).ConfigureAwait(false);
                    }
                    if (pending.IsCompleted)
                    {
                        current = null;
                        _slots.Release();
                        pending.Release();
                        continue;
                    }
                    if (!pending.ExpectsResponse)
                    {
                        if (!Write(pending, output))
                        {
                            current = null;
                            continue;
                        }
                        await FlushAsync(output, token).ConfigureAwait(false);
                        current = null;
                        _slots.Release();
                        pending.CompleteWritten();
                        pending.Release();
                        continue;
                    }
                    current = null;
                    Write(pending, output);
                    // Large requests go out one by one rather than piling up in the pipe: each holds a buffer of its
                    // own until flushed, and the socket can start on the first while the next is encoded.
                    if (output.UnflushedBytes >= FlushEarlyBytes) await FlushAsync(output, token).ConfigureAwait(false);
                }
                token.ThrowIfCancellationRequested();
                await FlushAsync(output, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fail(e as KafkaException ?? new KafkaConnectionException($"Writing to {_endpoint} failed: {e.Message}", _endpoint, e));
        }
        finally
        {
            Fail(new KafkaConnectionException($"Connection to {_endpoint} closed.", _endpoint));
            var cause = Volatile.Read(ref _failure)!;
            if (current is not null)
            {
                current.TryFail(cause);
                current.Release();
            }
            while (reader.TryRead(out var pending))
            {
                pending.TryFail(cause);
                pending.Release();
            }
        }
    }

    /// <summary>Buffered request bytes at which the write loop flushes before taking the next request.</summary>
    private const int FlushEarlyBytes = 256 * 1024;

    // Pooled state machine: under socket back-pressure the flush completes asynchronously once per request.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync(PipeWriter output, CancellationToken token)
    {
        if (output.UnflushedBytes == 0) return;
        var result = await output.FlushAsync(token).ConfigureAwait(false);
        if (result.IsCompleted) throw new KafkaConnectionException($"Connection to {_endpoint} was closed by the broker.", _endpoint);
    }

    private bool Write(PendingRequest pending, PipeWriter output)
    {
        var request = pending.Request!;
        short version = pending.Version;
        short headerVersion = ApiKeys.RequestHeaderVersion(pending.ApiKey, version);
        int bodySize = request.ComputeSize(version);
        int headerSize = 8 + (headerVersion >= 1 ? 2 + _clientId.Length : 0) + (headerVersion >= 2 ? 1 : 0);
        int total = 4 + headerSize + bodySize;
        int correlationId = _nextCorrelationId++;
        if (_nextCorrelationId == int.MaxValue) _nextCorrelationId = 0;

        try
        {
            var writer = new KafkaWriter(output.GetSpan(total)[..total]);
            writer.WriteInt32(total - 4);
            writer.WriteInt16((short)pending.ApiKey);
            writer.WriteInt16(version);
            writer.WriteInt32(correlationId);
            if (headerVersion >= 1)
            {
                writer.WriteInt16((short)_clientId.Length);
                writer.WriteSpan(_clientId);
            }
            if (headerVersion >= 2) writer.WriteUnsignedVarInt(0);
            request.Write(ref writer, version);
            if (writer.Position != total)
                throw new KafkaProtocolException($"{pending.ApiKey} v{version} wrote {writer.Position} bytes but computed {total}.");
        }
        catch (Exception e) when (e is KafkaProtocolException or InvalidOperationException or ArgumentException)
        {
            // Nothing was committed to the pipe (no Advance): only this request fails.
            _slots.Release();
            pending.TryFail(e);
            pending.Release();
            return false;
        }
        output.Advance(total);

        pending.CorrelationId = correlationId;
        pending.Request = null;
        long now = _time.GetTimestamp();
        pending.WrittenTimestamp = now;
        Volatile.Write(ref _lastActivity, now);
        ClientMetrics.RequestsSent.Add(1, ClientMetrics.ApiTag(pending.ApiKey));
        if (!pending.ExpectsResponse) return true;
        lock (_inFlight)
        {
            if (!_inFlightClosed)
            {
                _inFlight.Enqueue(pending);
                return true;
            }
        }
        pending.TryFail(Volatile.Read(ref _failure)!);
        pending.Release();
        return true;
    }

    private async Task ReadLoopAsync()
    {
        var input = _pipe.Input;
        var token = _stop.Token;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (true)
                    {
                        if (_streamed is not null && !ContinueStreamedFrame(ref buffer)) break;
                        if (FrameReader.TryReadFrame(ref buffer, out var frame, _maxFrameSize)) HandleFrame(frame);
                        else if (!TryStartStreamedFrame(ref buffer)) break;
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted || result.IsCanceled)
                    throw new KafkaConnectionException($"Connection to {_endpoint} was closed by the broker.", _endpoint);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fail(e as KafkaException ?? new KafkaConnectionException($"Reading from {_endpoint} failed: {e.Message}", _endpoint, e));
        }
        finally
        {
            AbandonStreamedFrame();
        }
    }

    private void HandleFrame(in ReadOnlySequence<byte> frame)
    {
        var pending = DequeueInFlight();
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> span;
            if (pending.OwnsFrame)
            {
                var owned = _leaseFrames.Rent((int)frame.Length);
                frame.CopyTo(owned);
                pending.AdoptFrame(owned, _leaseFrames);
                span = owned.AsSpan(0, (int)frame.Length);
            }
            else if (frame.IsSingleSegment) span = frame.FirstSpan;
            else
            {
                rented = ArrayPool<byte>.Shared.Rent((int)frame.Length);
                frame.CopyTo(rented);
                span = rented.AsSpan(0, (int)frame.Length);
            }
            HandleResponse(pending, span);
        }
        finally
        {
            pending.Release();
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Takes the oldest request in flight, which the next response answers (responses come in order).</summary>
    private PendingRequest DequeueInFlight()
    {
        PendingRequest pending;
        lock (_inFlight)
        {
            if (_inFlight.Count == 0)
                throw new KafkaConnectionException($"{_endpoint} sent a response with no request in flight.", _endpoint);
            pending = _inFlight.Dequeue();
        }
        _slots.Release();
        return pending;
    }

    private void HandleResponse(PendingRequest pending, ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 4) throw new KafkaConnectionException($"{_endpoint} sent a truncated response header.", _endpoint);
        int correlationId = BinaryPrimitives.ReadInt32BigEndian(frame);
        if (correlationId != pending.CorrelationId)
        {
            var error = new KafkaConnectionException(
                $"{_endpoint} answered correlation id {correlationId} but {pending.CorrelationId} ({pending.ApiKey}) was next.", _endpoint);
            pending.TryFail(error);
            throw error;
        }
        int bodyOffset = 4;
        if (ApiKeys.ResponseHeaderVersion(pending.ApiKey, pending.Version) >= 1)
        {
            var reader = new KafkaReader(frame[4..]);
            uint tags = reader.ReadUnsignedVarInt();
            for (uint i = 0; i < tags; i++)
            {
                reader.ReadUnsignedVarInt();
                reader.Skip((int)reader.ReadUnsignedVarInt());
            }
            bodyOffset += reader.Position;
        }
        long now = _time.GetTimestamp();
        Volatile.Write(ref _lastActivity, now);
        ClientMetrics.RequestDuration.Record(_time.GetElapsedTime(pending.WrittenTimestamp, now).TotalSeconds, ClientMetrics.ApiTag(pending.ApiKey));
        int throttleMs = pending.Complete(frame, bodyOffset);
        // A broker that rejects the ApiVersions version answers in the v0 layout, which has no throttle field; whatever
        // a newer-version read found there is not a throttle time.
        if (pending.ApiKey == ApiKey.ApiVersions && frame.Length >= bodyOffset + 2 && BinaryPrimitives.ReadInt16BigEndian(frame[bodyOffset..]) != 0) throttleMs = 0;
        if (throttleMs > 0)
        {
            Log.Throttled(_logger, _endpoint, throttleMs);
            ClientMetrics.ThrottleTime.Add(throttleMs);
            long until = now + throttleMs * _time.TimestampFrequency / 1000;
            if (until > Volatile.Read(ref _throttledUntil)) Volatile.Write(ref _throttledUntil, until);
        }
        // Only now does the caller see the response: a request it sends in reaction already finds the throttle in force.
        pending.Publish();
    }

    private void CheckTimeouts()
    {
        PendingRequest? expired = null;
        long now = _time.GetTimestamp();
        lock (_inFlight)
        {
            foreach (var pending in _inFlight)
            {
                if (_time.GetElapsedTime(pending.WrittenTimestamp, now).TotalMilliseconds >= pending.TimeoutMs)
                {
                    expired = pending;
                    break;
                }
            }
        }
        if (expired is null) return;
        Log.RequestTimedOut(_logger, expired.ApiKey, expired.Version, expired.CorrelationId, _endpoint, expired.TimeoutMs);
        var timeout = new KafkaTimeoutException(
            $"{expired.ApiKey} v{expired.Version} to {_endpoint} got no response within {expired.TimeoutMs} ms.");
        expired.TryFail(timeout);
        Fail(new KafkaConnectionException($"Connection to {_endpoint} closed after a request timed out.", _endpoint, timeout));
    }
}
