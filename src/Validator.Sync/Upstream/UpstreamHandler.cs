using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Validator.Sync.Upstream;

/// <summary>The HTTP handler to the back office: system CAs, or only a pinned CA; optionally a client certificate for mutual TLS.</summary>
internal static class UpstreamHandler
{
    public static SocketsHttpHandler Create(SyncOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.AttemptTimeout,
            // New connections now and then, so a moved back office (DNS change) is found.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Brotli,
        };
        if (options.PinnedCaPath is { } caPath)
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsIssuedByPinnedCa(ca, certificate, chain, errors);
        }
        if (options.ClientCertificatePath is { } clientPath)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(clientPath)];
        }
        return handler;
    }

    internal static bool IsIssuedByPinnedCa(X509Certificate2 ca, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        // The host name is still checked; only the trust anchor is replaced.
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
