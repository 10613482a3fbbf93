using System.Text;

namespace Samsa.Producer.Tests;

/// <summary>A deterministic corpus of 1,200 keys: ASCII, UTF-8, binary and empty, of many lengths.</summary>
internal static class PartitionKeyCorpus
{
    public static IReadOnlyList<byte[]> Keys { get; } = Build();

    private static List<byte[]> Build()
    {
        var random = new Random(794);
        var keys = new List<byte[]> { Array.Empty<byte>() };
        for (int i = 0; i < 400; i++) keys.Add(Encoding.ASCII.GetBytes($"key-{i}"));
        string[] words = ["größe", "日本語キー", "ключ", "clé-", "🙂emoji", "naïve", "ħ"];
        for (int i = 0; i < 400; i++) keys.Add(Encoding.UTF8.GetBytes(words[i % words.Length] + i));
        for (int i = 0; i < 399; i++)
        {
            var bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            keys.Add(bytes);
        }
        return keys;
    }
}
