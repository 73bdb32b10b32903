// The crash test's victim: writes the workload of crash-workload.ts to the disk given on
// the command line, forever, printing "i" on stdout after each operation has returned
// (that is, committed). The test kills it with SIGKILL at some point.
import { writeSync } from 'node:fs';
import { hostClock, unwrap, VirtualDisk } from '../../kernel/store/index.ts';
import { FILE_EVERY, fileBytes, fileName, logName, recordBytes } from './crash-workload.ts';

const [file, runText] = process.argv.slice(2);
const run = Number(runText);
const STDOUT = 1;

const disk = VirtualDisk.open(file, { clock: hostClock });
const volume = unwrap(disk.volume('C'));
const logDir = unwrap(disk.lookup(volume.id, ['LOG'])).id;
const filesDir = unwrap(disk.lookup(volume.id, ['FILES'])).id;
const log = unwrap(disk.create(logDir, logName(run))).id;

let offset = 0;
for (let i = 0; ; i++) {
  const record = recordBytes(run, i);
  unwrap(disk.write(log, offset, record));
  offset += record.length;
  if (i % FILE_EVERY === 0) {
    disk.transaction(() => {
      const f = unwrap(disk.create(filesDir, fileName(run, i))).id;
      unwrap(disk.write(f, 0, fileBytes(run, i)));
    });
  }
  // Synchronous, unbuffered: once the test reads this line, the write had returned.
  writeSync(STDOUT, `${i}\n`);
}
