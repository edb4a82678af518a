export const placeholder = 'guard';
