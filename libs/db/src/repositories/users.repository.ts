import type { DataSource, Repository } from 'typeorm';
import { UserEntity } from '../entities';

export class UsersRepository {
  private readonly users: Repository<UserEntity>;

  constructor(db: DataSource) {
    this.users = db.getRepository(UserEntity);
  }

  async findOrCreateByEmail(email: string): Promise<UserEntity> {
    await this.users.createQueryBuilder().insert().values({ email }).orIgnore().execute();
    return this.users.findOneByOrFail({ email });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }
}
