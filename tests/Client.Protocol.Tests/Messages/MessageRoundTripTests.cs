using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

public class MessageRoundTripTests
{
    public static IEnumerable<object[]> EveryMessageAndVersion()
    {
        foreach (var type in MessageFiller.MessageTypes())
        {
            var probe = (IKafkaMessage)Activator.CreateInstance(type)!;
            for (short v = probe.LowestSupportedVersion; v <= probe.HighestSupportedVersion; v++)
                yield return [type.Name, v];
        }
    }

    [Fact]
    public void MessageTypes_CoverEverySpecFile_186Messages()
    {
        // One generated type per JSON spec in shared/reference/kafka/messages (README excluded).
        Assert.Equal(186, MessageFiller.MessageTypes().Count());
    }

    [Theory]
    [MemberData(nameof(EveryMessageAndVersion))]
    public void WriteRead_NonDefaultValuesInEveryField_RoundTripsExactly(string typeName, short version)
    {
        var type = MessageFiller.MessageTypes().Single(t => t.Name == typeName);
        bool flexible = version >= MessageFiller.FirstFlexible(type);
        for (int seed = 0; seed < 3; seed++)
        {
            var original = (IKafkaMessage)Activator.CreateInstance(type)!;
            new MessageFiller(seed * 7919 + version, useNulls: seed > 0).Fill(original, version, flexible);

            byte[] bytes = Serialize(original, version);
            var decoded = (IKafkaMessage)Activator.CreateInstance(type)!;
            var reader = new KafkaReader(bytes);
            decoded.Read(ref reader, version);

            Assert.Equal(bytes.Length, reader.Position);
            Assert.Equal(original, decoded);
            Assert.Equal(bytes, Serialize(decoded, version));
        }
    }

    [Fact]
    public void Write_NonIgnorableFieldAtVersionWithoutIt_ThrowsProtocolException()
    {
        // ProduceRequest.TransactionalId exists from v3 and is not ignorable.
        var request = new ProduceRequest { TransactionalId = "txn" };
        var buffer = new byte[64];
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var writer = new KafkaWriter(buffer);
            request.Write(ref writer, 2);
        });
    }

    [Fact]
    public void Write_NullInNonNullableField_ThrowsProtocolException()
    {
        var request = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = null }] };
        var buffer = new byte[64];
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var writer = new KafkaWriter(buffer);
            request.Write(ref writer, 9); // Name is nullable only from v10.
        });
    }

    [Fact]
    public void Read_VersionOutsideSpec_ThrowsProtocolException()
    {
        var bytes = new byte[16];
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(bytes);
            new ProduceRequest().Read(ref reader, 99);
        });
    }

    [Fact]
    public void Defaults_FollowSpec()
    {
        var fetch = new FetchRequest();
        Assert.Equal(-1, fetch.ReplicaId);
        Assert.Equal(0x7fffffff, fetch.MaxBytes);
        Assert.Equal("", fetch.RackId);
        var header = new RequestHeader();
        Assert.Equal("", header.ClientId); // nullable, but no "null" default in the spec
        Assert.Null(new ProduceRequest().TransactionalId);
    }

    internal static byte[] Serialize(IKafkaMessage message, short version)
    {
        int size = message.ComputeSize(version);
        var bytes = new byte[size];
        var writer = new KafkaWriter(bytes);
        message.Write(ref writer, version);
        Assert.Equal(size, writer.Position);
        return bytes;
    }
}
