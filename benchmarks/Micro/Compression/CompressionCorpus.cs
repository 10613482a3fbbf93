using System.Text;

namespace Samsa.Benchmarks.Micro.Compression;

/// <summary>Deterministic 1 MiB benchmark inputs.</summary>
internal static class CompressionCorpus
{
    public const int Size = 1 << 20;

    public static byte[] Get(string name) => name switch
    {
        "json" => JsonLike(Size, 20240601),
        "random" => RandomBytes(Size, 20240602),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown corpus."),
    };

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Event records as JSON lines: repeated keys, varied ids, names and timestamps.</summary>
    private static byte[] JsonLike(int length, int seed)
    {
        var random = new Random(seed);
        string[] names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
        string[] events = ["page_view", "click", "purchase", "signup", "logout"];
        var text = new StringBuilder(length + 512);
        long ts = 1_700_000_000_000;
        while (text.Length < length)
        {
            ts += random.Next(0, 5000);
            text.Append("{\"id\":").Append(random.Next(1, 10_000_000))
                .Append(",\"user\":\"").Append(names[random.Next(names.Length)]).Append('_').Append(random.Next(1000))
                .Append("\",\"event\":\"").Append(events[random.Next(events.Length)])
                .Append("\",\"ts\":").Append(ts)
                .Append(",\"amount\":").Append(random.Next(0, 100_000) / 100.0)
                .Append(",\"tags\":[\"t").Append(random.Next(20)).Append("\",\"t").Append(random.Next(20))
                .Append("\"],\"active\":").Append(random.Next(2) == 0 ? "true" : "false").Append("}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, length));
    }
}
