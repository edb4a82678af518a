export const placeholder = 'jose';
