// neo-blessed is a maintained fork of blessed with the same API: blessed's types describe it.
declare module 'neo-blessed' {
  import blessed from 'blessed';
  export = blessed;
}
