namespace Samsa.Producer.Internal;

/// <summary>An idempotent producer's identity.</summary>
/// <param name="ProducerId">The producer id, or -1.</param>
/// <param name="Epoch">The epoch, or -1.</param>
internal readonly record struct ProducerIdAndEpoch(long ProducerId, short Epoch)
{
    public static ProducerIdAndEpoch None => new(-1, -1);

    public bool IsValid => ProducerId >= 0;
}
