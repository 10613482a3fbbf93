using System.Diagnostics.CodeAnalysis;

namespace Samsa.Protocol.Primitives;

/// <summary>Central throw sites (public for generated code), kept out of hot methods so they stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowTruncated(int needed, int remaining) =>
        throw new KafkaProtocolException($"Truncated input: needed {needed} bytes but only {remaining} remain.");

    [DoesNotReturn]
    public static void ThrowInvalidLength(string what, long length, int remaining) =>
        throw new KafkaProtocolException($"Invalid {what} length {length} ({remaining} bytes remain).");

    [DoesNotReturn]
    public static void ThrowMalformedVarint() =>
        throw new KafkaProtocolException("Malformed varint: more than the allowed number of continuation bytes.");

    [DoesNotReturn]
    public static void ThrowNullNotAllowed(string field) =>
        throw new KafkaProtocolException($"Field {field} is null but is not nullable at this version.");

    [DoesNotReturn]
    public static void ThrowProtocol(string message) => throw new KafkaProtocolException(message);

    [DoesNotReturn]
    public static T ThrowProtocol<T>(string message) => throw new KafkaProtocolException(message);

    [DoesNotReturn]
    public static void ThrowUnsupportedVersion(string message, short version) =>
        throw new KafkaProtocolException($"{message} does not support version {version}.");

    [DoesNotReturn]
    public static void ThrowNonDefaultField(string field, short version) =>
        throw new KafkaProtocolException($"{field} has a non-default value but version {version} cannot carry it.");

    [DoesNotReturn]
    public static void ThrowWriterOverflow(int needed, int remaining) =>
        throw new InvalidOperationException($"KafkaWriter overflow: writing {needed} bytes with {remaining} left; the computed size was wrong.");
}
