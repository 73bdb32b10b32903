#!/usr/bin/env node
// `npm start`: the desktop app. The Electron shell (main/) and the UI (renderer/) are not
// built yet, so this says so instead of pretending, and names what does run today.
console.error('NT Lab: the desktop UI is not built yet (main/ and renderer/ are placeholders),');
console.error('and so there is no serve mode for a browser yet either.');
console.error('What runs today is the machine itself, from the command line:');
console.error('  npx ntlab run guest/hello.asm            a guest program, its console on this terminal');
console.error('  npx ntlab run --trace guest/readfile.asm  the system calls it makes, strace style');
console.error('  npx ntlab asm FILE.asm -o FILE.exe        the assembler');
console.error('  npx ntlab disk ls                         the virtual disk');
process.exit(1);
