using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Samsa.Client.Security;

/// <summary>TLS material loaded once from <c>ssl.*</c> options: trusted CAs, client certificate, host name checking.</summary>
internal sealed class TlsSettings
{
    private readonly X509Certificate2Collection? _trusted;
    private readonly X509Certificate2? _clientCertificate;
    private readonly bool _verifyHostName;

    private TlsSettings(X509Certificate2Collection? trusted, X509Certificate2? clientCertificate, bool verifyHostName)
    {
        _trusted = trusted;
        _clientCertificate = clientCertificate;
        _verifyHostName = verifyHostName;
    }

    public static TlsSettings Load(KafkaClientOptions options)
    {
        X509Certificate2Collection? trusted = null;
        if (options.SslTruststoreLocation is { } trustPath)
        {
            trusted = new X509Certificate2Collection();
            if (options.SslTruststoreType == "PKCS12")
                trusted.AddRange(X509CertificateLoader.LoadPkcs12CollectionFromFile(trustPath, options.SslTruststorePassword));
            else
                trusted.ImportFromPemFile(trustPath);
            if (trusted.Count == 0) throw new ArgumentException($"ssl.truststore.location '{trustPath}' holds no certificates.", "ssl.truststore.location");
        }
        if (options.SslCaLocation is { } caPath)
        {
            trusted ??= new X509Certificate2Collection();
            int before = trusted.Count;
            trusted.ImportFromPemFile(caPath);
            if (trusted.Count == before) throw new ArgumentException($"ssl.ca.location '{caPath}' holds no certificates.", "ssl.ca.location");
        }
        X509Certificate2? client = null;
        if (options.SslKeystoreLocation is { } keyPath)
        {
            client = options.SslKeystoreType == "PKCS12"
                ? X509CertificateLoader.LoadPkcs12FromFile(keyPath, options.SslKeystorePassword)
                : options.SslKeyPassword is { } keyPassword
                    ? X509Certificate2.CreateFromEncryptedPemFile(keyPath, keyPassword)
                    : X509Certificate2.CreateFromPemFile(keyPath);
        }
        return new TlsSettings(trusted, client, options.SslEndpointIdentificationAlgorithm == "https");
    }

    public SslClientAuthenticationOptions ClientOptions(string host) => new()
    {
        TargetHost = host,
        ClientCertificates = _clientCertificate is null ? null : [_clientCertificate],
        RemoteCertificateValidationCallback = Validate,
    };

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        if (_verifyHostName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        if (_trusted is null) return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
