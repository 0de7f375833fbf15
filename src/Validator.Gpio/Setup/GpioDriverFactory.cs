using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using Validator.Gpio.Options;

namespace Validator.Gpio.Setup;

/// <summary>Creates the GPIO driver named in configuration, with an error that says what to install or fix.</summary>
internal static class GpioDriverFactory
{
    /// <summary>Creates the driver, or throws <see cref="FeedbackSetupException"/> naming the driver and a likely fix.</summary>
    public static GpioDriver Create(FeedbackOptions options)
    {
        try
        {
            return options.Driver switch
            {
                GpioDriverKind.LibGpiod => new LibGpiodDriver(options.GpioChip),
                GpioDriverKind.LibGpiodV2 => new LibGpiodV2Driver(options.GpioChip),
                GpioDriverKind.SysFs => new SysFsDriver(),
                GpioDriverKind.RaspberryPi => new RaspberryPi3Driver(),
                _ => throw new FeedbackSetupException($"Feedback:Driver {options.Driver} is not a GPIO driver."),
            };
        }
        catch (Exception ex) when (ex is not FeedbackSetupException)
        {
            throw new FeedbackSetupException(
                $"The {options.Driver} GPIO driver could not be started (gpiochip {options.GpioChip})",
                [Hint(options.Driver), $"{ex.GetType().Name}: {ex.Message}"],
                ex);
        }
    }

    private static string Hint(GpioDriverKind kind) => kind switch
    {
        GpioDriverKind.LibGpiod => "libgpiod 1.x is needed (apt install libgpiod2) and read/write access to /dev/gpiochipN (group gpio); on Debian trixie use LibGpiodV2.",
        GpioDriverKind.LibGpiodV2 => "libgpiod 2.x is needed (apt install libgpiod3) and read/write access to /dev/gpiochipN (group gpio); on Debian bookworm use LibGpiod.",
        GpioDriverKind.SysFs => "/sys/class/gpio must exist and be writable; current kernels number sysfs GPIOs from 512, prefer LibGpiod.",
        GpioDriverKind.RaspberryPi => "The register driver needs a Raspberry Pi 3 or 4 and access to /dev/gpiomem; on a Pi 5 use LibGpiod.",
        _ => "Choose one of " + string.Join(", ", Enum.GetNames<GpioDriverKind>()) + ".",
    };
}
