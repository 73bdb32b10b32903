// The HAL's part of boot (HalInitSystem): the two 8259A interrupt controllers get NT's
// vector base -- IRQ n arrives at vector 0x30 + n (PRIMARY_VECTOR_BASE) -- with everything
// masked except the clock and the keyboard (IRQ 1, the i8042), and the 8254's counter 0 becomes the system clock, one
// interrupt every CLOCK_INTERVAL_MS. The programming is done through the CPU's port bus,
// byte for byte what the HAL's `out` instructions write.
import type { Cpu } from '../../cpu/cpu.ts';
import { Pic, PIC_MASTER_CMD, PIC_MASTER_DATA, PIC_SLAVE_CMD, PIC_SLAVE_DATA, CASCADE_IRQ } from '../../cpu/pic.ts';
import { Pit, PIT_COUNTER0, PIT_CONTROL, PIT_INPUT_HZ, PIT_IRQ } from '../../cpu/pit.ts';
import { I8042, KEYBOARD_IRQ } from '../../cpu/i8042.ts';
import { ClockSet } from '../../cpu/clockset.ts';
import { PRIMARY_VECTOR_BASE } from '../ke/irql.ts';

/** The clock tick, as NT's HAL sets it on a uniprocessor PC (10 ms). */
export const CLOCK_INTERVAL_MS = 10;
/** KeTimeIncrement: 100 ns units per tick. */
export const TIME_INCREMENT = CLOCK_INTERVAL_MS * 10_000;
const PIC_VECTORS_PER_CHIP = 8;

// 8259A command words (Intel 231468).
const ICW1_EDGE_CASCADE_ICW4 = 0x11;   // initialise, edge-triggered, cascaded, ICW4 follows
const ICW3_MASTER_SLAVE_ON_IR2 = 1 << CASCADE_IRQ;
const ICW3_SLAVE_ID = CASCADE_IRQ;
const ICW4_8086 = 0x01;
const ALL_MASKED = 0xFF;
// 8254 control word: counter 0, LSB then MSB, mode 2 (rate generator), binary.
const PIT_COUNTER0_RATE_GENERATOR = 0x34;

export interface Hal { pic: Pic; pit: Pit; keyboard: I8042 }

function out(cpu: Cpu, port: number, value: number): void { cpu.ports.write(port, 1, value); }

export function halInitSystem(cpu: Cpu): Hal {
  const pic = new Pic();
  pic.attach(cpu.ports);
  cpu.pic = pic;
  const pit = new Pit(pic);
  pit.attach(cpu);
  // The keyboard's input arrives on the same instruction clock as the timer's ticks.
  const keyboard = new I8042(pic);
  keyboard.attach(cpu.ports);
  cpu.clock = new ClockSet([pit, keyboard]);

  out(cpu, PIC_MASTER_CMD, ICW1_EDGE_CASCADE_ICW4);
  out(cpu, PIC_MASTER_DATA, PRIMARY_VECTOR_BASE);
  out(cpu, PIC_MASTER_DATA, ICW3_MASTER_SLAVE_ON_IR2);
  out(cpu, PIC_MASTER_DATA, ICW4_8086);
  out(cpu, PIC_SLAVE_CMD, ICW1_EDGE_CASCADE_ICW4);
  out(cpu, PIC_SLAVE_DATA, PRIMARY_VECTOR_BASE + PIC_VECTORS_PER_CHIP);
  out(cpu, PIC_SLAVE_DATA, ICW3_SLAVE_ID);
  out(cpu, PIC_SLAVE_DATA, ICW4_8086);
  out(cpu, PIC_MASTER_DATA, ALL_MASKED & ~(1 << PIT_IRQ) & ~(1 << KEYBOARD_IRQ) & ~(1 << CASCADE_IRQ));
  out(cpu, PIC_SLAVE_DATA, ALL_MASKED);

  const count = Math.round(PIT_INPUT_HZ * CLOCK_INTERVAL_MS / 1000);
  out(cpu, PIT_CONTROL, PIT_COUNTER0_RATE_GENERATOR);
  out(cpu, PIT_COUNTER0, count & 0xFF);
  out(cpu, PIT_COUNTER0, count >>> 8);
  return { pic, pit, keyboard };
}
