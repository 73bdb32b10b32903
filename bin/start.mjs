#!/usr/bin/env node
// `npm start`: the desktop app. The Electron shell (main/) and the UI (renderer/) are not
// built yet — see the open issues — so this says so instead of pretending.
console.error('NT Lab: the desktop UI is not built yet (main/ and renderer/ are placeholders).');
console.error('What runs today is the emulated i386 and its tests: `npm test`, `npm run bench:cpu`.');
process.exit(1);
