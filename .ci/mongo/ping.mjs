// Exits 0 when the server at $MONGODB_URI answers a ping within two seconds (used by start.sh).
import { MongoClient } from 'mongodb';

const client = new MongoClient(process.env.MONGODB_URI, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
try {
  await client.db('admin').command({ ping: 1 });
  process.exitCode = 0;
} catch {
  process.exitCode = 1;
} finally {
  await client.close();
}
