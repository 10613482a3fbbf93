using System.Buffers.Binary;

namespace Samsa.Protocol.Tests.Golden;

/// <summary>One captured frame from Fixtures/golden (see MANIFEST.md there for how they were captured).</summary>
internal sealed record GoldenFrame(string File, string Direction, short ApiKey, short ApiVersion, int CorrelationId,
    short RequestHeaderVersion, short ResponseHeaderVersion, string Source, string ClientId, string Notes)
{
    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "golden");

    public static IReadOnlyList<GoldenFrame> All { get; } = Load();

    public bool IsRequest => Direction == "request";

    /// <summary>The frame payload: the bytes after the 4-byte size prefix.</summary>
    public byte[] Payload()
    {
        var frame = System.IO.File.ReadAllBytes(Path.Combine(Directory, File));
        Assert.Equal(frame.Length - 4, BinaryPrimitives.ReadInt32BigEndian(frame));
        return frame[4..];
    }

    private static List<GoldenFrame> Load() =>
        System.IO.File.ReadAllLines(Path.Combine(Directory, "manifest.tsv"))
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(p => new GoldenFrame(p[0], p[1], short.Parse(p[2]), short.Parse(p[3]), int.Parse(p[4]),
                short.Parse(p[5]), short.Parse(p[6]), p[7], p[8], p.Length > 11 ? p[11] : ""))
            .ToList();
}
