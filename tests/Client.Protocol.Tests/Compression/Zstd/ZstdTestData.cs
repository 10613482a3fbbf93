using System.Text;

namespace Samsa.Protocol.Tests.Compression.Zstd;

/// <summary>Deterministic inputs for the zstd tests.</summary>
internal static class ZstdTestData
{
    public static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Repetitive(int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = (byte)("abcabcabd"[i % 9]);
        }

        return bytes;
    }

    public static byte[] Json(int size, int seed = 42)
    {
        var rng = new Random(seed);
        string[] names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
        string[] events = ["page_view", "click", "purchase", "signup", "logout"];
        var sb = new StringBuilder(size + 256);
        int id = 0;
        while (sb.Length < size)
        {
            sb.Append("{\"id\":").Append(id++)
              .Append(",\"user\":\"").Append(names[rng.Next(names.Length)]).Append(rng.Next(1000))
              .Append("\",\"event\":\"").Append(events[rng.Next(events.Length)])
              .Append("\",\"ts\":").Append(1_700_000_000_000L + rng.Next(1_000_000))
              .Append(",\"amount\":").Append(rng.Next(100_000) / 100.0)
              .Append(",\"tags\":[\"t").Append(rng.Next(20)).Append("\",\"t").Append(rng.Next(20)).Append("\"]")
              .Append(",\"ok\":").Append(rng.Next(2) == 0 ? "true" : "false").Append("}\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString(0, size));
    }
}
