import { checkLibraryEvents } from "../src/runner/library.js";

// Every event a storekeep command or reaction emits must be exactly what the catalog's parse
// makes of it: the runner relies on that to skip parsing them in production.
checkLibraryEvents(true);
