// Options of the Java start scripts (`mqnamesrv`, `mqbroker`): -c FILE, -n ADDR, -p (print config
// and exit), -h. Unknown options are an error, as with commons-cli.
export interface StartArgs {
  configFile?: string;
  namesrvAddr?: string;
  printConfig: boolean;
  help: boolean;
}

export function parseStartArgs(argv: string[]): StartArgs {
  const out: StartArgs = { printConfig: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`option ${a} needs a value`);
      return v;
    };
    switch (a) {
      case '-c': case '--configFile': out.configFile = value(); break;
      case '-n': case '--namesrvAddr': out.namesrvAddr = value(); break;
      case '-p': case '--printConfigItem': out.printConfig = true; break;
      case '-h': case '--help': out.help = true; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return out;
}
