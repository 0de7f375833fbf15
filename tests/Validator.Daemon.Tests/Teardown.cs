namespace Validator.Daemon.Tests;

/// <summary>Stops the pcscd these tests started once they are all done.</summary>
[SetUpFixture]
public sealed class Teardown
{
    [OneTimeTearDown]
    public void StopPcscd() => PcscStack.Shutdown();
}
