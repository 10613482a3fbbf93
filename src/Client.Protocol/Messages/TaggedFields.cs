using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Messages;

/// <summary>Helpers the generated code uses for the tagged-field section of flexible versions.</summary>
public static class TaggedFields
{
    /// <summary>Reads a tag number, rejecting values beyond int range.</summary>
    public static int ReadTag(ref KafkaReader reader)
    {
        uint tag = reader.ReadUnsignedVarInt();
        if (tag > int.MaxValue) ThrowHelper.ThrowProtocol($"Invalid tag {tag}.");
        return (int)tag;
    }

    /// <summary>Writes the unknown tagged fields whose tag is below <paramref name="tag"/>, keeping tags ascending.</summary>
    public static void WriteUnknownBelow(ref KafkaWriter writer, List<RawTaggedField>? unknown, ref int index, int tag)
    {
        if (unknown is null) return;
        while (index < unknown.Count && unknown[index].Tag < tag)
        {
            var field = unknown[index++];
            writer.WriteUnsignedVarInt((uint)field.Tag);
            writer.WriteUnsignedVarInt((uint)field.Data.Length);
            writer.WriteSpan(field.Data);
        }
    }

    /// <summary>Bytes the unknown tagged fields take, tags and sizes included.</summary>
    public static int UnknownSize(List<RawTaggedField>? unknown)
    {
        if (unknown is null) return 0;
        int size = 0;
        foreach (var field in unknown)
            size += KafkaSize.UnsignedVarInt((uint)field.Tag) + KafkaSize.UnsignedVarInt((uint)field.Data.Length) + field.Data.Length;
        return size;
    }
}
