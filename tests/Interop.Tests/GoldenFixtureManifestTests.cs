using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Samsa.Interop.Tests;

/// <summary>
/// Keeps tests/Client.Protocol.Tests/Fixtures/golden consistent with its manifest.tsv: every row has a file,
/// every frame's size prefix matches its length, and the header fields agree. Decodes headers only.
/// </summary>
public sealed class GoldenFixtureManifestTests
{
    private static readonly string GoldenDir = Path.Combine(FindRepoRoot(), "tests", "Client.Protocol.Tests", "Fixtures", "golden");

    public static TheoryData<string> Rows()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(GoldenDir, "manifest.tsv")).Skip(1))
        {
            data.Add(line);
        }

        return data;
    }

    [Fact]
    public void Manifest_ListsEveryBinFile_AndHasAtLeastADozenFrames()
    {
        var listed = File.ReadAllLines(Path.Combine(GoldenDir, "manifest.tsv")).Skip(1).Select(l => l.Split('\t')[0]).ToHashSet();
        var files = Directory.GetFiles(GoldenDir, "*.bin").Select(Path.GetFileName).ToHashSet();

        Assert.Equal(files.Order(), listed.Order());
        Assert.True(files.Count >= 12, $"{files.Count} frames");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Frame_MatchesManifestRow(string row)
    {
        var c = row.Split('\t');
        var frame = File.ReadAllBytes(Path.Combine(GoldenDir, c[0]));
        var apiKey = short.Parse(c[2], CultureInfo.InvariantCulture);
        var apiVersion = short.Parse(c[3], CultureInfo.InvariantCulture);
        var correlationId = int.Parse(c[4], CultureInfo.InvariantCulture);

        Assert.Equal(frame.Length - 4, BinaryPrimitives.ReadInt32BigEndian(frame));
        Assert.Equal(frame.Length, int.Parse(c[10], CultureInfo.InvariantCulture));
        if (c[1] == "request")
        {
            Assert.Equal(apiKey, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(4)));
            Assert.Equal(apiVersion, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(6)));
            Assert.Equal(correlationId, BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(8)));
            var clientIdLength = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(12));
            Assert.Equal(c[8], Encoding.UTF8.GetString(frame, 14, clientIdLength));
        }
        else
        {
            Assert.Equal("response", c[1]);
            Assert.Equal(correlationId, BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4)));
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Samsa.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Samsa.slnx not found above " + AppContext.BaseDirectory);
    }
}
