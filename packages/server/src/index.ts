export const placeholder = 'server';
