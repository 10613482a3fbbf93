using System.Buffers;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Connections;

/// <summary>A request answered by a fully parsed, self-contained <typeparamref name="TResponse"/>.</summary>
internal sealed class ResponsePending<TResponse> : PendingRequest<TResponse> where TResponse : IKafkaResponse, new()
{
    private TResponse? _parsed;
    private IResponseSource<TResponse>? _source;

    public static ResponsePending<TResponse> Rent(IKafkaApiMessage request, short version, long timeoutMs, CancellationToken ct)
    {
        var pending = PendingPool<ResponsePending<TResponse>>.Rent();
        pending.Open(request, version, timeoutMs, ct);
        pending._source = request as IResponseSource<TResponse>;
        return pending;
    }

    public override int Complete(ReadOnlySpan<byte> frame, int bodyOffset)
    {
        TResponse response;
        try
        {
            if (_source is { } source)
            {
                response = source.NextResponse();
                var reader = new KafkaReader(frame[bodyOffset..]);
                response.Read(ref reader, Version);
            }
            else response = ResponseParser.Parse<TResponse>(frame[bodyOffset..], ApiKey, Version);
        }
        catch (KafkaProtocolException e)
        {
            TryFail(e);
            return 0;
        }
        _parsed = response;
        return ThrottleAccessor<TResponse>.Get(response);
    }

    public override void Publish()
    {
        if (_parsed is { } response)
        {
            _parsed = default;
            TrySetResult(response);
        }
    }

    protected override void Reset()
    {
        _parsed = default;
        _source = null;
        ResetCore();
        PendingPool<ResponsePending<TResponse>>.Return(this);
    }
}

/// <summary>
/// A request whose response keeps zero-copy slices (record sets) of a pooled copy of its frame; the caller owns the
/// returned <see cref="ResponseLease{TResponse}"/> and returns the buffer by disposing it.
/// </summary>
internal sealed class LeasePending<TResponse> : PendingRequest<ResponseLease<TResponse>> where TResponse : IKafkaResponse, new()
{
    private ResponseLease<TResponse>? _parsed;
    private FramePool? _pool;
    private byte[]? _frame; // from AdoptFrame, until a lease owns it

    public static LeasePending<TResponse> Rent(IKafkaApiMessage request, short version, long timeoutMs, CancellationToken ct)
    {
        var pending = PendingPool<LeasePending<TResponse>>.Rent();
        pending.Open(request, version, timeoutMs, ct);
        return pending;
    }

    public override bool OwnsFrame => true;

    public override void AdoptFrame(byte[] frame, FramePool pool)
    {
        ReturnFrame();
        _pool = pool;
        _frame = frame;
    }

    public override int Complete(ReadOnlySpan<byte> frame, int bodyOffset)
    {
        int length = frame.Length - bodyOffset;
        // The connection normally hands over its own copy of the whole frame (AdoptFrame): parse it where it is.
        byte[]? copied = Interlocked.Exchange(ref _frame, null);
        byte[] buffer;
        int start;
        if (copied is not null)
        {
            buffer = copied;
            start = bodyOffset;
        }
        else
        {
            buffer = ArrayPool<byte>.Shared.Rent(length);
            frame[bodyOffset..].CopyTo(buffer);
            start = 0;
        }
        TResponse response;
        try
        {
            response = ResponseParser.Parse<TResponse>(new ReadOnlyMemory<byte>(buffer, start, length), ApiKey, Version);
        }
        catch (KafkaProtocolException e)
        {
            if (copied is not null) _pool!.Return(copied);
            else ArrayPool<byte>.Shared.Return(buffer);
            TryFail(e);
            return 0;
        }
        _parsed = new ResponseLease<TResponse>(response, buffer, copied is not null ? _pool : null);
        return ThrottleAccessor<TResponse>.Get(response);
    }

    public override void Publish()
    {
        if (Interlocked.Exchange(ref _parsed, null) is { } lease && !TrySetResult(lease)) lease.Dispose();
    }

    protected override void Reset()
    {
        Interlocked.Exchange(ref _parsed, null)?.Dispose();
        ReturnFrame();
        _pool = null;
        ResetCore();
        PendingPool<LeasePending<TResponse>>.Return(this);
    }

    private void ReturnFrame()
    {
        if (Interlocked.Exchange(ref _frame, null) is { } frame) _pool!.Return(frame);
    }
}

/// <summary>A request the broker does not answer (Produce with acks=0): done once its bytes are flushed.</summary>
internal sealed class OneWayPending : PendingRequest<bool>
{
    public static OneWayPending Rent(IKafkaApiMessage request, short version, long timeoutMs, CancellationToken ct)
    {
        var pending = PendingPool<OneWayPending>.Rent();
        pending.Open(request, version, timeoutMs, ct);
        return pending;
    }

    public override bool ExpectsResponse => false;

    public override int Complete(ReadOnlySpan<byte> frame, int bodyOffset) =>
        throw new InvalidOperationException("A one-way request has no response.");

    public override void CompleteWritten() => TrySetResult(true);

    protected override void Reset()
    {
        ResetCore();
        PendingPool<OneWayPending>.Return(this);
    }
}

/// <summary>Parses response bodies, with Kafka's ApiVersions fallback.</summary>
internal static class ResponseParser
{
    public static TResponse Parse<TResponse>(ReadOnlySpan<byte> body, ApiKey apiKey, short version) where TResponse : IKafkaResponse, new()
    {
        var response = new TResponse();
        var reader = new KafkaReader(body);
        try
        {
            response.Read(ref reader, version);
        }
        catch (KafkaProtocolException) when (apiKey == ApiKey.ApiVersions && version > 0)
        {
            // A broker that does not support our ApiVersions version answers UNSUPPORTED_VERSION in the v0 layout;
            // some (librdkafka's mock) send a body that is neither v0 nor vN, so act on the error code alone (KIP-511).
            response = new TResponse();
            reader = new KafkaReader(body);
            try
            {
                response.Read(ref reader, 0);
            }
            catch (KafkaProtocolException) when (body.Length >= 2 && System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(body) != 0)
            {
                response = new TResponse();
                if (response is Protocol.Messages.ApiVersionsResponse versions)
                    versions.ErrorCode = System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(body);
            }
        }
        return response;
    }

    public static TResponse Parse<TResponse>(ReadOnlyMemory<byte> body, ApiKey apiKey, short version) where TResponse : IKafkaResponse, new()
    {
        var response = new TResponse();
        var reader = new KafkaReader(body);
        response.Read(ref reader, version);
        return response;
    }
}

/// <summary>Reads a response's <c>ThrottleTimeMs</c> when its type has one (cached delegate per type).</summary>
internal static class ThrottleAccessor<TResponse>
{
    private static readonly Func<TResponse, int>? Getter = Create();

    public static int Get(TResponse response) => Getter is null ? 0 : Getter(response);

    private static Func<TResponse, int>? Create()
    {
        var property = typeof(TResponse).GetProperty("ThrottleTimeMs");
        return property?.PropertyType == typeof(int) && property.GetMethod is { } getter
            ? getter.CreateDelegate<Func<TResponse, int>>()
            : null;
    }
}
