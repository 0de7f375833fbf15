namespace Validator.Gpio.Options;

/// <summary>
/// The GPIO driver to use, chosen in configuration: <c>new GpioController()</c> guesses one from the board and
/// has picked unusable drivers on current Raspberry Pi OS images (dotnet/iot issue #2602), so we never let it guess.
/// </summary>
public enum GpioDriverKind
{
    /// <summary>libgpiod 1.x (<c>libgpiod2</c> package on Debian bookworm), character device <c>/dev/gpiochipN</c>.</summary>
    LibGpiod,

    /// <summary>libgpiod 2.x (<c>libgpiod3</c> on Debian trixie), character device <c>/dev/gpiochipN</c>.</summary>
    LibGpiodV2,

    /// <summary>The deprecated sysfs interface <c>/sys/class/gpio</c>, for old kernels only.</summary>
    SysFs,

    /// <summary>The Raspberry Pi 3/4 register driver over <c>/dev/gpiomem</c>; fastest, not for the Pi 5.</summary>
    RaspberryPi,
}
