import { assemble, workspace } from '../test/lib/attempts';
const w = workspace();
console.log(assemble(w.dir, process.argv[2], process.argv[3] as never));
