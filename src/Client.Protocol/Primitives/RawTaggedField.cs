namespace Samsa.Protocol;

/// <summary>A tagged field this version of Samsa does not know, kept so that it survives a read and write round trip.</summary>
/// <param name="Tag">The field's tag number.</param>
/// <param name="Data">The field's raw bytes.</param>
public sealed record RawTaggedField(int Tag, byte[] Data);
