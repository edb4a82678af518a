// oidc-provider ships no type declarations; the benchmark uses only its constructor and `callback()`.
declare module 'oidc-provider';
