namespace Samsa.Protocol.Records;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as legacy messages (magic 0 and 1) use it.
/// Slice-by-8 over eight 256-entry tables; .NET exposes no public CRC-32 outside System.IO.Hashing.
/// </summary>
public static class Crc32
{
    private const uint Polynomial = 0xEDB8_8320u;
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        for (int t = 1; t < 8; t++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint previous = table[(t - 1) * 256 + n];
                table[t * 256 + n] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }
        return table;
    }

    /// <summary>Computes the CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        uint crc = 0xFFFF_FFFFu;
        int i = 0;
        for (; i <= data.Length - 8; i += 8)
        {
            uint low = crc ^ (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            crc = table[7 * 256 + (low & 0xFF)] ^ table[6 * 256 + ((low >> 8) & 0xFF)]
                ^ table[5 * 256 + ((low >> 16) & 0xFF)] ^ table[4 * 256 + (low >> 24)]
                ^ table[3 * 256 + data[i + 4]] ^ table[2 * 256 + data[i + 5]]
                ^ table[1 * 256 + data[i + 6]] ^ table[data[i + 7]];
        }
        for (; i < data.Length; i++) crc = (crc >> 8) ^ table[(crc ^ data[i]) & 0xFF];
        return ~crc;
    }
}
