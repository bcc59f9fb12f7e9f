console.error('demo: not built yet');
process.exit(1);
