using System.Runtime.CompilerServices;
using System.Text;
using Samsa.Protocol.Records;

namespace Samsa.Producer.Internal;

/// <summary>Turns user <see cref="Headers"/> into the builder's <see cref="RecordHeader"/> span, in a per-thread array.</summary>
internal static class HeaderConverter
{
    [ThreadStatic]
    private static RecordHeader[]? _buffer;

    /// <summary>The headers as a span valid until the next call on this thread, and their encoded size (upper bound).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<RecordHeader> Convert(Headers? headers, out int encodedBytes)
    {
        encodedBytes = 0;
        if (headers is null || headers.Count == 0) return default;
        var buffer = _buffer;
        if (buffer is null || buffer.Length < headers.Count) _buffer = buffer = new RecordHeader[Math.Max(headers.Count, 8)];
        for (int i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            buffer[i] = new RecordHeader(header.Key, header.Value);
            encodedBytes += 10 + Encoding.UTF8.GetByteCount(header.Key) + (header.Value?.Length ?? 0);
        }
        return buffer.AsSpan(0, headers.Count);
    }
}
