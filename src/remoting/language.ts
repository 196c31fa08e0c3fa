// `LanguageCode` (remoting/.../protocol/LanguageCode.java): the ROCKETMQ header carries the code
// byte, the JSON header the name. shared/protocol/remoting.md §8.
export const LANGUAGES = [
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
] as const;

export type LanguageName = (typeof LANGUAGES)[number];

const byName = new Map<string, number>(LANGUAGES.map((n, i) => [n, i]));

export function languageCode(name: LanguageName): number {
  return byName.get(name) as number;
}

export function languageFromCode(code: number): LanguageName | undefined {
  return LANGUAGES[code];
}

export function languageFromName(name: string): LanguageName | undefined {
  return byName.has(name) ? (name as LanguageName) : undefined;
}
