using System.Device.Gpio;

namespace Validator.Simulation.Gpio;

/// <summary>One recorded change of a simulated pin's output level.</summary>
/// <param name="Pin">The pin number in the driver's numbering (BCM on a Raspberry Pi).</param>
/// <param name="Value">The level the pin changed to.</param>
/// <param name="Timestamp">The time provider's timestamp when the change was written.</param>
/// <param name="Sequence">The order of this change among all changes the driver recorded, from 0.</param>
public readonly record struct PinChange(int Pin, PinValue Value, long Timestamp, long Sequence);
