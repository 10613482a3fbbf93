using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Tests.Golden;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>Malformed frames must fail with <see cref="KafkaProtocolException"/> and nothing else.</summary>
public class MalformedInputTests
{
    private static IEnumerable<(Type Type, short Version, byte[] Bytes)> Corpus()
    {
        foreach (var type in MessageFiller.MessageTypes())
        {
            var probe = (IKafkaMessage)Activator.CreateInstance(type)!;
            short first = MessageFiller.FirstFlexible(type);
            foreach (var v in new[] { probe.LowestSupportedVersion, probe.HighestSupportedVersion }.Distinct())
            {
                var message = (IKafkaMessage)Activator.CreateInstance(type)!;
                new MessageFiller(v).Fill(message, v, v >= first);
                yield return (type, v, MessageRoundTripTests.Serialize(message, v));
            }
        }
        foreach (var frame in GoldenFrame.All.Where(f => !f.Notes.StartsWith("UNSUPPORTED", StringComparison.Ordinal)))
        {
            var key = (ApiKey)frame.ApiKey;
            var payload = frame.Payload();
            var reader = new KafkaReader(payload);
            if (frame.IsRequest) new RequestHeader().Read(ref reader, ApiKeys.RequestHeaderVersion(key, frame.ApiVersion));
            else new ResponseHeader().Read(ref reader, ApiKeys.ResponseHeaderVersion(key, frame.ApiVersion));
            var body = payload[reader.Position..];
            var type = (frame.IsRequest ? ApiKeys.CreateRequest(key) : ApiKeys.CreateResponse(key)).GetType();
            yield return (type, frame.ApiVersion, body);
        }
    }

    [Fact]
    public void Read_TruncatedAtEveryOffset_ThrowsOnlyProtocolException()
    {
        int cases = 0;
        foreach (var (type, version, bytes) in Corpus().Where((_, i) => i % 3 == 0))
        {
            for (int length = 0; length < bytes.Length; length++)
            {
                cases++;
                AssertOnlyProtocolException(type, version, bytes.AsSpan(0, length).ToArray(), mustFail: true);
            }
        }
        Assert.True(cases > 1000, $"only {cases} cases");
    }

    [Fact]
    public void Read_RandomMutations_ThrowOnlyProtocolException()
    {
        var random = new Random(20261122);
        var corpus = Corpus().ToList();
        int cases = 0;
        for (int round = 0; round < 40; round++)
        {
            foreach (var (type, version, original) in corpus)
            {
                var bytes = Mutate(original, random);
                cases++;
                AssertOnlyProtocolException(type, version, bytes, mustFail: false);
            }
        }
        Assert.True(cases > 10_000, $"only {cases} cases");
    }

    [Fact]
    public void Read_HugeClaimedArrayLength_FailsWithoutLargeAllocation()
    {
        // A MetadataResponse v1 claiming int.MaxValue brokers in a tiny frame.
        byte[] bytes = [0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(bytes);
            new MetadataResponse().Read(ref reader, 1);
        });
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        if (bytes.Length == 0) return [(byte)random.Next(256)];
        switch (random.Next(4))
        {
            case 0:
                for (int i = 0, n = 1 + random.Next(4); i < n; i++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 1:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 2:
                // Lengths and counts to extremes.
                int at = random.Next(bytes.Length);
                bytes[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x7F;
                return bytes;
            default:
                return bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
        }
    }

    private static void AssertOnlyProtocolException(Type type, short version, byte[] bytes, bool mustFail)
    {
        var message = (IKafkaMessage)Activator.CreateInstance(type)!;
        try
        {
            var reader = new KafkaReader(bytes);
            message.Read(ref reader, version);
            // Parsing is deterministic and never looks ahead, so a strict prefix of a valid message cannot parse.
            if (mustFail) Assert.Fail($"{type.Name} v{version}: a {bytes.Length}-byte prefix parsed without error");
        }
        catch (KafkaProtocolException)
        {
        }
        catch (Exception ex)
        {
            Assert.Fail($"{type.Name} v{version}: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
