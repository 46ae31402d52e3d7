"""SQL text compiled from the tables of ``schema``: GENERATED, do not edit.

Regenerate with ``python -m cxmatrix.store.sql`` after changing ``schema`` (a test fails until
the two agree). Opening a document runs these with plain sqlite3, so that it needs no
SQLAlchemy. TABLE_NAMES are in dependency order (a table after the tables it refers to);
COLUMNS in table order; DEFAULTED are the columns a file of an older format may lack; KEYS
the primary keys; DROP_ALL drops the tables, each after those that refer to it. LOAD reads
a table's entity columns (every column but the order column) in order, skipping rows with a
value of the wrong storage class or length; CHECK finds the first such row. READ,
READ_ROLES and READ_NOTES are the bulk loader's queries (no check per value; READ_VALUES
says what each column of READ may hold, for the loader's checks column by column).
"""

# ruff: noqa: E501

TABLE_NAMES = (
    'stage',
    'department',
    'matrix',
    'touchpoint',
    'cell',
    'cell_target',
    'cell_action',
    'planned_touchpoint',
    'planned_department',
    'signoff',
    'signoff_basis',
    'signoff_dispute',
    'touchpoint_comment',
)

COLUMNS = {
    'stage': ('id', 'name', 'position'),
    'department': ('id', 'name', 'code', 'lead', 'position'),
    'matrix': (
        'id',
        'title',
        'organisation',
        'description',
        'prepared_by',
        'focus_department_id',
        'created',
        'modified',
        'uid',
    ),
    'touchpoint': (
        'id',
        'stage_id',
        'position',
        'name',
        'category',
        'channel',
        'description',
        'peak',
        'is_end',
        'metric',
        'notes',
    ),
    'cell': ('touchpoint_id', 'department_id', 'role', 'note'),
    'cell_target': ('touchpoint_id', 'department_id', 'role'),
    'cell_action': ('touchpoint_id', 'department_id', 'person', 'due', 'status', 'note'),
    'planned_touchpoint': ('touchpoint_id',),
    'planned_department': ('department_id',),
    'signoff': (
        'department_id',
        'state',
        'lead',
        'dated',
        'touchpoint_set',
        'fingerprint',
    ),
    'signoff_basis': ('department_id', 'touchpoint_id', 'position', 'role', 'target_role'),
    'signoff_dispute': ('department_id', 'touchpoint_id', 'position', 'comment', 'proposed'),
    'touchpoint_comment': ('uid', 'touchpoint_id', 'department_id', 'author', 'at', 'body'),
}

DEFAULTED = {
    'stage': (),
    'department': ('code', 'lead'),
    'matrix': (
        'title',
        'organisation',
        'description',
        'prepared_by',
        'focus_department_id',
        'created',
        'modified',
        'uid',
    ),
    'touchpoint': ('category', 'channel', 'description', 'peak', 'is_end', 'metric', 'notes'),
    'cell': ('role', 'note'),
    'cell_target': ('role',),
    'cell_action': ('person', 'due', 'status', 'note'),
    'planned_touchpoint': (),
    'planned_department': (),
    'signoff': ('lead', 'dated', 'touchpoint_set', 'fingerprint'),
    'signoff_basis': ('role', 'target_role'),
    'signoff_dispute': ('comment', 'proposed'),
    'touchpoint_comment': ('department_id',),
}

KEYS = {
    'stage': ('id',),
    'department': ('id',),
    'matrix': ('id',),
    'touchpoint': ('id',),
    'cell': ('touchpoint_id', 'department_id'),
    'cell_target': ('touchpoint_id', 'department_id'),
    'cell_action': ('touchpoint_id', 'department_id'),
    'planned_touchpoint': ('touchpoint_id',),
    'planned_department': ('department_id',),
    'signoff': ('department_id',),
    'signoff_basis': ('department_id', 'touchpoint_id'),
    'signoff_dispute': ('department_id', 'touchpoint_id'),
    'touchpoint_comment': ('uid',),
}

POSITION = {
    'stage': 2,
    'department': 4,
    'touchpoint': 2,
    'signoff_basis': 2,
    'signoff_dispute': 2,
}

FOREIGN_KEYS = {
    'stage': (),
    'department': (),
    'matrix': (('focus_department_id', 'department', 'id', 'SET NULL'),),
    'touchpoint': (('stage_id', 'stage', 'id', 'CASCADE'),),
    'cell': (
        ('department_id', 'department', 'id', 'CASCADE'),
        ('touchpoint_id', 'touchpoint', 'id', 'CASCADE'),
    ),
    'cell_target': (
        ('department_id', 'department', 'id', 'CASCADE'),
        ('touchpoint_id', 'touchpoint', 'id', 'CASCADE'),
    ),
    'cell_action': (
        ('department_id', 'department', 'id', 'CASCADE'),
        ('touchpoint_id', 'touchpoint', 'id', 'CASCADE'),
    ),
    'planned_touchpoint': (('touchpoint_id', 'touchpoint', 'id', 'CASCADE'),),
    'planned_department': (('department_id', 'department', 'id', 'CASCADE'),),
    'signoff': (('department_id', 'department', 'id', 'CASCADE'),),
    'signoff_basis': (('department_id', 'signoff', 'department_id', 'CASCADE'),),
    'signoff_dispute': (
        ('department_id', 'signoff', 'department_id', 'CASCADE'),
        ('touchpoint_id', 'touchpoint', 'id', 'CASCADE'),
    ),
    'touchpoint_comment': (),
}

MAX_ROWS = {
    'stage': 10000,
    'department': 1000,
    'matrix': 1,
    'touchpoint': 100000,
    'cell': 5000000,
    'cell_target': 5000000,
    'cell_action': 5000000,
    'planned_touchpoint': 100000,
    'planned_department': 1000,
    'signoff': 1000,
    'signoff_basis': 5000000,
    'signoff_dispute': 5000000,
    'touchpoint_comment': 1000000,
}

CREATE = (
    'CREATE TABLE stage (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n)',
    "CREATE TABLE department (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tcode VARCHAR(4) DEFAULT '' NOT NULL, \n\tlead VARCHAR(10000) DEFAULT '' NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n)",
    "CREATE TABLE matrix (\n\tid INTEGER NOT NULL, \n\ttitle VARCHAR(10000) DEFAULT '' NOT NULL, \n\torganisation VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdescription VARCHAR(100000) DEFAULT '' NOT NULL, \n\tprepared_by VARCHAR(10000) DEFAULT '' NOT NULL, \n\tfocus_department_id INTEGER, \n\tcreated VARCHAR(10000) DEFAULT '' NOT NULL, \n\tmodified VARCHAR(10000) DEFAULT '' NOT NULL, \n\tuid VARCHAR(64) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(focus_department_id) REFERENCES department (id) ON DELETE SET NULL\n)",
    "CREATE TABLE touchpoint (\n\tid INTEGER NOT NULL, \n\tstage_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tcategory VARCHAR(10000) DEFAULT '' NOT NULL, \n\tchannel VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdescription VARCHAR(100000) DEFAULT '' NOT NULL, \n\tpeak BOOLEAN DEFAULT '0' NOT NULL, \n\tis_end BOOLEAN DEFAULT '0' NOT NULL, \n\tmetric VARCHAR(100000) DEFAULT '' NOT NULL, \n\tnotes VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(stage_id) REFERENCES stage (id) ON DELETE CASCADE\n)",
    'CREATE INDEX ix_touchpoint_stage_id ON touchpoint (stage_id)',
    "CREATE TABLE cell (\n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\trole VARCHAR(1), \n\tnote VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (touchpoint_id, department_id), \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE, \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    'CREATE INDEX ix_cell_department_id ON cell (department_id)',
    'CREATE TABLE cell_target (\n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\trole VARCHAR(1), \n\tPRIMARY KEY (touchpoint_id, department_id), \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE, \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)\n WITHOUT ROWID',
    'CREATE INDEX ix_cell_target_department_id ON cell_target (department_id)',
    "CREATE TABLE cell_action (\n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\tperson VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdue VARCHAR(10) DEFAULT '' NOT NULL, \n\tstatus VARCHAR(11) DEFAULT 'planned' NOT NULL, \n\tnote VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (touchpoint_id, department_id), \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE, \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    'CREATE INDEX ix_cell_action_department_id ON cell_action (department_id)',
    'CREATE TABLE planned_touchpoint (\n\ttouchpoint_id INTEGER NOT NULL, \n\tPRIMARY KEY (touchpoint_id), \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE\n)',
    'CREATE TABLE planned_department (\n\tdepartment_id INTEGER NOT NULL, \n\tPRIMARY KEY (department_id), \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)',
    "CREATE TABLE signoff (\n\tdepartment_id INTEGER NOT NULL, \n\tstate VARCHAR(8) NOT NULL, \n\tlead VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdated VARCHAR(10) DEFAULT '' NOT NULL, \n\ttouchpoint_set VARCHAR(16) DEFAULT '' NOT NULL, \n\tfingerprint VARCHAR(16) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (department_id), \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)",
    'CREATE TABLE signoff_basis (\n\tdepartment_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\trole VARCHAR(1), \n\ttarget_role VARCHAR(1), \n\tPRIMARY KEY (department_id, touchpoint_id), \n\tFOREIGN KEY(department_id) REFERENCES signoff (department_id) ON DELETE CASCADE\n)\n WITHOUT ROWID',
    "CREATE TABLE signoff_dispute (\n\tdepartment_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tcomment VARCHAR(100000) DEFAULT '' NOT NULL, \n\tproposed VARCHAR(1), \n\tPRIMARY KEY (department_id, touchpoint_id), \n\tFOREIGN KEY(department_id) REFERENCES signoff (department_id) ON DELETE CASCADE, \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    'CREATE INDEX ix_signoff_dispute_touchpoint_id ON signoff_dispute (touchpoint_id)',
    'CREATE TABLE touchpoint_comment (\n\tuid VARCHAR(32) NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER, \n\tauthor VARCHAR(10000) NOT NULL, \n\tat VARCHAR(40) NOT NULL, \n\tbody VARCHAR(100000) NOT NULL, \n\tPRIMARY KEY (uid)\n)',
    'CREATE INDEX ix_touchpoint_comment_touchpoint_id ON touchpoint_comment (touchpoint_id)',
)

COUNT = {
    'stage': 'SELECT count(*) AS count_1 \nFROM stage',
    'department': 'SELECT count(*) AS count_1 \nFROM department',
    'matrix': 'SELECT count(*) AS count_1 \nFROM matrix',
    'touchpoint': 'SELECT count(*) AS count_1 \nFROM touchpoint',
    'cell': 'SELECT count(*) AS count_1 \nFROM cell',
    'cell_target': 'SELECT count(*) AS count_1 \nFROM cell_target',
    'cell_action': 'SELECT count(*) AS count_1 \nFROM cell_action',
    'planned_touchpoint': 'SELECT count(*) AS count_1 \nFROM planned_touchpoint',
    'planned_department': 'SELECT count(*) AS count_1 \nFROM planned_department',
    'signoff': 'SELECT count(*) AS count_1 \nFROM signoff',
    'signoff_basis': 'SELECT count(*) AS count_1 \nFROM signoff_basis',
    'signoff_dispute': 'SELECT count(*) AS count_1 \nFROM signoff_dispute',
    'touchpoint_comment': 'SELECT count(*) AS count_1 \nFROM touchpoint_comment',
}

CHECK = {
    'stage': "SELECT stage.id, CASE WHEN (length(stage.name) > 10000) THEN 'column ''name'' is longer than 10,000 characters' WHEN (stage.name IS NULL OR stage.name < '' OR stage.name >= x'') THEN 'column ''name'' holds ' || CASE WHEN (typeof(stage.name) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(stage.name) END || ' where text belongs' WHEN ((typeof(stage.position) NOT IN ('integer'))) THEN 'column ''position'' holds ' || CASE WHEN (typeof(stage.position) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(stage.position) END || ' where an integer belongs' END AS anon_1 \nFROM stage \nWHERE length(stage.name) > 10000 OR stage.name IS NULL OR stage.name < '' OR stage.name >= x'' OR (typeof(stage.position) NOT IN ('integer'))\n LIMIT 1 OFFSET 0",
    'department': "SELECT department.id, CASE WHEN (length(department.name) > 10000) THEN 'column ''name'' is longer than 10,000 characters' WHEN (department.name IS NULL OR department.name < '' OR department.name >= x'') THEN 'column ''name'' holds ' || CASE WHEN (typeof(department.name) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(department.name) END || ' where text belongs' WHEN (length(department.code) > 4) THEN 'column ''code'' is longer than 4 characters' WHEN (department.code IS NULL OR department.code < '' OR department.code >= x'') THEN 'column ''code'' holds ' || CASE WHEN (typeof(department.code) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(department.code) END || ' where text belongs' WHEN (length(department.lead) > 10000) THEN 'column ''lead'' is longer than 10,000 characters' WHEN (department.lead IS NULL OR department.lead < '' OR department.lead >= x'') THEN 'column ''lead'' holds ' || CASE WHEN (typeof(department.lead) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(department.lead) END || ' where text belongs' WHEN ((typeof(department.position) NOT IN ('integer'))) THEN 'column ''position'' holds ' || CASE WHEN (typeof(department.position) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(department.position) END || ' where an integer belongs' END AS anon_1 \nFROM department \nWHERE length(department.name) > 10000 OR department.name IS NULL OR department.name < '' OR department.name >= x'' OR length(department.code) > 4 OR department.code IS NULL OR department.code < '' OR department.code >= x'' OR length(department.lead) > 10000 OR department.lead IS NULL OR department.lead < '' OR department.lead >= x'' OR (typeof(department.position) NOT IN ('integer'))\n LIMIT 1 OFFSET 0",
    'matrix': "SELECT matrix.id, CASE WHEN (length(matrix.title) > 10000) THEN 'column ''title'' is longer than 10,000 characters' WHEN (matrix.title IS NULL OR matrix.title < '' OR matrix.title >= x'') THEN 'column ''title'' holds ' || CASE WHEN (typeof(matrix.title) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.title) END || ' where text belongs' WHEN (length(matrix.organisation) > 10000) THEN 'column ''organisation'' is longer than 10,000 characters' WHEN (matrix.organisation IS NULL OR matrix.organisation < '' OR matrix.organisation >= x'') THEN 'column ''organisation'' holds ' || CASE WHEN (typeof(matrix.organisation) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.organisation) END || ' where text belongs' WHEN (length(matrix.description) > 100000) THEN 'column ''description'' is longer than 100,000 characters' WHEN (matrix.description IS NULL OR matrix.description < '' OR matrix.description >= x'') THEN 'column ''description'' holds ' || CASE WHEN (typeof(matrix.description) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.description) END || ' where text belongs' WHEN (length(matrix.prepared_by) > 10000) THEN 'column ''prepared_by'' is longer than 10,000 characters' WHEN (matrix.prepared_by IS NULL OR matrix.prepared_by < '' OR matrix.prepared_by >= x'') THEN 'column ''prepared_by'' holds ' || CASE WHEN (typeof(matrix.prepared_by) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.prepared_by) END || ' where text belongs' WHEN ((typeof(matrix.focus_department_id) NOT IN ('integer', 'null'))) THEN 'column ''focus_department_id'' holds ' || CASE WHEN (typeof(matrix.focus_department_id) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.focus_department_id) END || ' where an integer belongs' WHEN (length(matrix.created) > 10000) THEN 'column ''created'' is longer than 10,000 characters' WHEN (matrix.created IS NULL OR matrix.created < '' OR matrix.created >= x'') THEN 'column ''created'' holds ' || CASE WHEN (typeof(matrix.created) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.created) END || ' where text belongs' WHEN (length(matrix.modified) > 10000) THEN 'column ''modified'' is longer than 10,000 characters' WHEN (matrix.modified IS NULL OR matrix.modified < '' OR matrix.modified >= x'') THEN 'column ''modified'' holds ' || CASE WHEN (typeof(matrix.modified) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.modified) END || ' where text belongs' WHEN (length(matrix.uid) > 64) THEN 'column ''uid'' is longer than 64 characters' WHEN (matrix.uid IS NULL OR matrix.uid < '' OR matrix.uid >= x'') THEN 'column ''uid'' holds ' || CASE WHEN (typeof(matrix.uid) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.uid) END || ' where text belongs' END AS anon_1 \nFROM matrix \nWHERE length(matrix.title) > 10000 OR matrix.title IS NULL OR matrix.title < '' OR matrix.title >= x'' OR length(matrix.organisation) > 10000 OR matrix.organisation IS NULL OR matrix.organisation < '' OR matrix.organisation >= x'' OR length(matrix.description) > 100000 OR matrix.description IS NULL OR matrix.description < '' OR matrix.description >= x'' OR length(matrix.prepared_by) > 10000 OR matrix.prepared_by IS NULL OR matrix.prepared_by < '' OR matrix.prepared_by >= x'' OR (typeof(matrix.focus_department_id) NOT IN ('integer', 'null')) OR length(matrix.created) > 10000 OR matrix.created IS NULL OR matrix.created < '' OR matrix.created >= x'' OR length(matrix.modified) > 10000 OR matrix.modified IS NULL OR matrix.modified < '' OR matrix.modified >= x'' OR length(matrix.uid) > 64 OR matrix.uid IS NULL OR matrix.uid < '' OR matrix.uid >= x''\n LIMIT 1 OFFSET 0",
    'touchpoint': "SELECT touchpoint.id, CASE WHEN ((typeof(touchpoint.position) NOT IN ('integer'))) THEN 'column ''position'' holds ' || CASE WHEN (typeof(touchpoint.position) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.position) END || ' where an integer belongs' WHEN (length(touchpoint.name) > 10000) THEN 'column ''name'' is longer than 10,000 characters' WHEN (touchpoint.name IS NULL OR touchpoint.name < '' OR touchpoint.name >= x'') THEN 'column ''name'' holds ' || CASE WHEN (typeof(touchpoint.name) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.name) END || ' where text belongs' WHEN (length(touchpoint.category) > 10000) THEN 'column ''category'' is longer than 10,000 characters' WHEN (touchpoint.category IS NULL OR touchpoint.category < '' OR touchpoint.category >= x'') THEN 'column ''category'' holds ' || CASE WHEN (typeof(touchpoint.category) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.category) END || ' where text belongs' WHEN (length(touchpoint.channel) > 10000) THEN 'column ''channel'' is longer than 10,000 characters' WHEN (touchpoint.channel IS NULL OR touchpoint.channel < '' OR touchpoint.channel >= x'') THEN 'column ''channel'' holds ' || CASE WHEN (typeof(touchpoint.channel) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.channel) END || ' where text belongs' WHEN (length(touchpoint.description) > 100000) THEN 'column ''description'' is longer than 100,000 characters' WHEN (touchpoint.description IS NULL OR touchpoint.description < '' OR touchpoint.description >= x'') THEN 'column ''description'' holds ' || CASE WHEN (typeof(touchpoint.description) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.description) END || ' where text belongs' WHEN ((typeof(touchpoint.peak) NOT IN ('integer'))) THEN 'column ''peak'' holds ' || CASE WHEN (typeof(touchpoint.peak) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.peak) END || ' where an integer belongs' WHEN ((typeof(touchpoint.is_end) NOT IN ('integer'))) THEN 'column ''is_end'' holds ' || CASE WHEN (typeof(touchpoint.is_end) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.is_end) END || ' where an integer belongs' WHEN (length(touchpoint.metric) > 100000) THEN 'column ''metric'' is longer than 100,000 characters' WHEN (touchpoint.metric IS NULL OR touchpoint.metric < '' OR touchpoint.metric >= x'') THEN 'column ''metric'' holds ' || CASE WHEN (typeof(touchpoint.metric) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.metric) END || ' where text belongs' WHEN (length(touchpoint.notes) > 100000) THEN 'column ''notes'' is longer than 100,000 characters' WHEN (touchpoint.notes IS NULL OR touchpoint.notes < '' OR touchpoint.notes >= x'') THEN 'column ''notes'' holds ' || CASE WHEN (typeof(touchpoint.notes) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.notes) END || ' where text belongs' END AS anon_1 \nFROM touchpoint \nWHERE (typeof(touchpoint.position) NOT IN ('integer')) OR length(touchpoint.name) > 10000 OR touchpoint.name IS NULL OR touchpoint.name < '' OR touchpoint.name >= x'' OR length(touchpoint.category) > 10000 OR touchpoint.category IS NULL OR touchpoint.category < '' OR touchpoint.category >= x'' OR length(touchpoint.channel) > 10000 OR touchpoint.channel IS NULL OR touchpoint.channel < '' OR touchpoint.channel >= x'' OR length(touchpoint.description) > 100000 OR touchpoint.description IS NULL OR touchpoint.description < '' OR touchpoint.description >= x'' OR (typeof(touchpoint.peak) NOT IN ('integer')) OR (typeof(touchpoint.is_end) NOT IN ('integer')) OR length(touchpoint.metric) > 100000 OR touchpoint.metric IS NULL OR touchpoint.metric < '' OR touchpoint.metric >= x'' OR length(touchpoint.notes) > 100000 OR touchpoint.notes IS NULL OR touchpoint.notes < '' OR touchpoint.notes >= x''\n LIMIT 1 OFFSET 0",
    'cell': "SELECT cell.touchpoint_id, cell.department_id, CASE WHEN (cell.role IS NOT NULL AND length(cell.role) > 1) THEN 'column ''role'' is longer than 1 characters' WHEN (length(cell.note) > 100000) THEN 'column ''note'' is longer than 100,000 characters' WHEN (cell.note IS NULL OR cell.note < '' OR cell.note >= x'') THEN 'column ''note'' holds ' || CASE WHEN (typeof(cell.note) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(cell.note) END || ' where text belongs' END AS anon_1 \nFROM cell \nWHERE cell.role IS NOT NULL AND length(cell.role) > 1 OR length(cell.note) > 100000 OR cell.note IS NULL OR cell.note < '' OR cell.note >= x''\n LIMIT 1 OFFSET 0",
    'cell_target': "SELECT cell_target.touchpoint_id, cell_target.department_id, CASE WHEN (cell_target.role IS NOT NULL AND length(cell_target.role) > 1) THEN 'column ''role'' is longer than 1 characters' END AS anon_1 \nFROM cell_target \nWHERE cell_target.role IS NOT NULL AND length(cell_target.role) > 1\n LIMIT 1 OFFSET 0",
    'cell_action': "SELECT cell_action.touchpoint_id, cell_action.department_id, CASE WHEN (length(cell_action.person) > 10000) THEN 'column ''person'' is longer than 10,000 characters' WHEN (cell_action.person IS NULL OR cell_action.person < '' OR cell_action.person >= x'') THEN 'column ''person'' holds ' || CASE WHEN (typeof(cell_action.person) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(cell_action.person) END || ' where text belongs' WHEN (length(cell_action.due) > 10) THEN 'column ''due'' is longer than 10 characters' WHEN (cell_action.due IS NULL OR cell_action.due < '' OR cell_action.due >= x'') THEN 'column ''due'' holds ' || CASE WHEN (typeof(cell_action.due) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(cell_action.due) END || ' where text belongs' WHEN (length(cell_action.status) > 11) THEN 'column ''status'' is longer than 11 characters' WHEN (length(cell_action.note) > 100000) THEN 'column ''note'' is longer than 100,000 characters' WHEN (cell_action.note IS NULL OR cell_action.note < '' OR cell_action.note >= x'') THEN 'column ''note'' holds ' || CASE WHEN (typeof(cell_action.note) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(cell_action.note) END || ' where text belongs' END AS anon_1 \nFROM cell_action \nWHERE length(cell_action.person) > 10000 OR cell_action.person IS NULL OR cell_action.person < '' OR cell_action.person >= x'' OR length(cell_action.due) > 10 OR cell_action.due IS NULL OR cell_action.due < '' OR cell_action.due >= x'' OR length(cell_action.status) > 11 OR length(cell_action.note) > 100000 OR cell_action.note IS NULL OR cell_action.note < '' OR cell_action.note >= x''\n LIMIT 1 OFFSET 0",
    'planned_touchpoint': "SELECT planned_touchpoint.touchpoint_id, '' AS anon_1 \nFROM planned_touchpoint \nWHERE 0 = 1\n LIMIT 1 OFFSET 0",
    'planned_department': "SELECT planned_department.department_id, '' AS anon_1 \nFROM planned_department \nWHERE 0 = 1\n LIMIT 1 OFFSET 0",
    'signoff': "SELECT signoff.department_id, CASE WHEN (length(signoff.state) > 8) THEN 'column ''state'' is longer than 8 characters' WHEN (length(signoff.lead) > 10000) THEN 'column ''lead'' is longer than 10,000 characters' WHEN (signoff.lead IS NULL OR signoff.lead < '' OR signoff.lead >= x'') THEN 'column ''lead'' holds ' || CASE WHEN (typeof(signoff.lead) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(signoff.lead) END || ' where text belongs' WHEN (length(signoff.dated) > 10) THEN 'column ''dated'' is longer than 10 characters' WHEN (signoff.dated IS NULL OR signoff.dated < '' OR signoff.dated >= x'') THEN 'column ''dated'' holds ' || CASE WHEN (typeof(signoff.dated) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(signoff.dated) END || ' where text belongs' WHEN (length(signoff.touchpoint_set) > 16) THEN 'column ''touchpoint_set'' is longer than 16 characters' WHEN (signoff.touchpoint_set IS NULL OR signoff.touchpoint_set < '' OR signoff.touchpoint_set >= x'') THEN 'column ''touchpoint_set'' holds ' || CASE WHEN (typeof(signoff.touchpoint_set) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(signoff.touchpoint_set) END || ' where text belongs' WHEN (length(signoff.fingerprint) > 16) THEN 'column ''fingerprint'' is longer than 16 characters' WHEN (signoff.fingerprint IS NULL OR signoff.fingerprint < '' OR signoff.fingerprint >= x'') THEN 'column ''fingerprint'' holds ' || CASE WHEN (typeof(signoff.fingerprint) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(signoff.fingerprint) END || ' where text belongs' END AS anon_1 \nFROM signoff \nWHERE length(signoff.state) > 8 OR length(signoff.lead) > 10000 OR signoff.lead IS NULL OR signoff.lead < '' OR signoff.lead >= x'' OR length(signoff.dated) > 10 OR signoff.dated IS NULL OR signoff.dated < '' OR signoff.dated >= x'' OR length(signoff.touchpoint_set) > 16 OR signoff.touchpoint_set IS NULL OR signoff.touchpoint_set < '' OR signoff.touchpoint_set >= x'' OR length(signoff.fingerprint) > 16 OR signoff.fingerprint IS NULL OR signoff.fingerprint < '' OR signoff.fingerprint >= x''\n LIMIT 1 OFFSET 0",
    'signoff_basis': "SELECT signoff_basis.department_id, signoff_basis.touchpoint_id, CASE WHEN ((typeof(signoff_basis.touchpoint_id) NOT IN ('integer'))) THEN 'column ''touchpoint_id'' holds ' || CASE WHEN (typeof(signoff_basis.touchpoint_id) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(signoff_basis.touchpoint_id) END || ' where an integer belongs' WHEN ((typeof(signoff_basis.position) NOT IN ('integer'))) THEN 'column ''position'' holds ' || CASE WHEN (typeof(signoff_basis.position) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(signoff_basis.position) END || ' where an integer belongs' WHEN (signoff_basis.role IS NOT NULL AND length(signoff_basis.role) > 1) THEN 'column ''role'' is longer than 1 characters' WHEN (signoff_basis.target_role IS NOT NULL AND length(signoff_basis.target_role) > 1) THEN 'column ''target_role'' is longer than 1 characters' END AS anon_1 \nFROM signoff_basis \nWHERE (typeof(signoff_basis.touchpoint_id) NOT IN ('integer')) OR (typeof(signoff_basis.position) NOT IN ('integer')) OR signoff_basis.role IS NOT NULL AND length(signoff_basis.role) > 1 OR signoff_basis.target_role IS NOT NULL AND length(signoff_basis.target_role) > 1\n LIMIT 1 OFFSET 0",
    'signoff_dispute': "SELECT signoff_dispute.department_id, signoff_dispute.touchpoint_id, CASE WHEN ((typeof(signoff_dispute.position) NOT IN ('integer'))) THEN 'column ''position'' holds ' || CASE WHEN (typeof(signoff_dispute.position) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(signoff_dispute.position) END || ' where an integer belongs' WHEN (length(signoff_dispute.comment) > 100000) THEN 'column ''comment'' is longer than 100,000 characters' WHEN (signoff_dispute.comment IS NULL OR signoff_dispute.comment < '' OR signoff_dispute.comment >= x'') THEN 'column ''comment'' holds ' || CASE WHEN (typeof(signoff_dispute.comment) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(signoff_dispute.comment) END || ' where text belongs' WHEN (signoff_dispute.proposed IS NOT NULL AND length(signoff_dispute.proposed) > 1) THEN 'column ''proposed'' is longer than 1 characters' END AS anon_1 \nFROM signoff_dispute \nWHERE (typeof(signoff_dispute.position) NOT IN ('integer')) OR length(signoff_dispute.comment) > 100000 OR signoff_dispute.comment IS NULL OR signoff_dispute.comment < '' OR signoff_dispute.comment >= x'' OR signoff_dispute.proposed IS NOT NULL AND length(signoff_dispute.proposed) > 1\n LIMIT 1 OFFSET 0",
    'touchpoint_comment': "SELECT touchpoint_comment.uid, CASE WHEN (length(touchpoint_comment.uid) > 32) THEN 'column ''uid'' is longer than 32 characters' WHEN (touchpoint_comment.uid IS NULL OR touchpoint_comment.uid < '' OR touchpoint_comment.uid >= x'') THEN 'column ''uid'' holds ' || CASE WHEN (typeof(touchpoint_comment.uid) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint_comment.uid) END || ' where text belongs' WHEN ((typeof(touchpoint_comment.touchpoint_id) NOT IN ('integer'))) THEN 'column ''touchpoint_id'' holds ' || CASE WHEN (typeof(touchpoint_comment.touchpoint_id) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint_comment.touchpoint_id) END || ' where an integer belongs' WHEN ((typeof(touchpoint_comment.department_id) NOT IN ('integer', 'null'))) THEN 'column ''department_id'' holds ' || CASE WHEN (typeof(touchpoint_comment.department_id) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint_comment.department_id) END || ' where an integer belongs' WHEN (length(touchpoint_comment.author) > 10000) THEN 'column ''author'' is longer than 10,000 characters' WHEN (touchpoint_comment.author IS NULL OR touchpoint_comment.author < '' OR touchpoint_comment.author >= x'') THEN 'column ''author'' holds ' || CASE WHEN (typeof(touchpoint_comment.author) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint_comment.author) END || ' where text belongs' WHEN (length(touchpoint_comment.at) > 40) THEN 'column ''at'' is longer than 40 characters' WHEN (touchpoint_comment.at IS NULL OR touchpoint_comment.at < '' OR touchpoint_comment.at >= x'') THEN 'column ''at'' holds ' || CASE WHEN (typeof(touchpoint_comment.at) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint_comment.at) END || ' where text belongs' WHEN (length(touchpoint_comment.body) > 100000) THEN 'column ''body'' is longer than 100,000 characters' WHEN (touchpoint_comment.body IS NULL OR touchpoint_comment.body < '' OR touchpoint_comment.body >= x'') THEN 'column ''body'' holds ' || CASE WHEN (typeof(touchpoint_comment.body) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint_comment.body) END || ' where text belongs' END AS anon_1 \nFROM touchpoint_comment \nWHERE length(touchpoint_comment.uid) > 32 OR touchpoint_comment.uid IS NULL OR touchpoint_comment.uid < '' OR touchpoint_comment.uid >= x'' OR (typeof(touchpoint_comment.touchpoint_id) NOT IN ('integer')) OR (typeof(touchpoint_comment.department_id) NOT IN ('integer', 'null')) OR length(touchpoint_comment.author) > 10000 OR touchpoint_comment.author IS NULL OR touchpoint_comment.author < '' OR touchpoint_comment.author >= x'' OR length(touchpoint_comment.at) > 40 OR touchpoint_comment.at IS NULL OR touchpoint_comment.at < '' OR touchpoint_comment.at >= x'' OR length(touchpoint_comment.body) > 100000 OR touchpoint_comment.body IS NULL OR touchpoint_comment.body < '' OR touchpoint_comment.body >= x''\n LIMIT 1 OFFSET 0",
}

LOAD = {
    'stage': "SELECT stage.id, stage.name \nFROM stage \nWHERE length(stage.name) <= 10000 AND stage.name >= '' AND stage.name < x'' AND typeof(stage.position) IN ('integer') ORDER BY stage.position, stage.id",
    'department': "SELECT department.id, department.name, department.code, department.lead \nFROM department \nWHERE length(department.name) <= 10000 AND department.name >= '' AND department.name < x'' AND length(department.code) <= 4 AND department.code >= '' AND department.code < x'' AND length(department.lead) <= 10000 AND department.lead >= '' AND department.lead < x'' AND typeof(department.position) IN ('integer') ORDER BY department.position, department.id",
    'matrix': "SELECT matrix.title, matrix.organisation, matrix.description, matrix.prepared_by, matrix.focus_department_id, matrix.created, matrix.modified, matrix.uid \nFROM matrix \nWHERE matrix.id = 1 AND length(matrix.title) <= 10000 AND matrix.title >= '' AND matrix.title < x'' AND length(matrix.organisation) <= 10000 AND matrix.organisation >= '' AND matrix.organisation < x'' AND length(matrix.description) <= 100000 AND matrix.description >= '' AND matrix.description < x'' AND length(matrix.prepared_by) <= 10000 AND matrix.prepared_by >= '' AND matrix.prepared_by < x'' AND typeof(matrix.focus_department_id) IN ('integer', 'null') AND length(matrix.created) <= 10000 AND matrix.created >= '' AND matrix.created < x'' AND length(matrix.modified) <= 10000 AND matrix.modified >= '' AND matrix.modified < x'' AND length(matrix.uid) <= 64 AND matrix.uid >= '' AND matrix.uid < x''",
    'touchpoint': "SELECT touchpoint.id, touchpoint.stage_id, touchpoint.name, touchpoint.category, touchpoint.channel, touchpoint.description, touchpoint.peak, touchpoint.is_end, touchpoint.metric, touchpoint.notes \nFROM touchpoint \nWHERE typeof(touchpoint.position) IN ('integer') AND length(touchpoint.name) <= 10000 AND touchpoint.name >= '' AND touchpoint.name < x'' AND length(touchpoint.category) <= 10000 AND touchpoint.category >= '' AND touchpoint.category < x'' AND length(touchpoint.channel) <= 10000 AND touchpoint.channel >= '' AND touchpoint.channel < x'' AND length(touchpoint.description) <= 100000 AND touchpoint.description >= '' AND touchpoint.description < x'' AND typeof(touchpoint.peak) IN ('integer') AND typeof(touchpoint.is_end) IN ('integer') AND length(touchpoint.metric) <= 100000 AND touchpoint.metric >= '' AND touchpoint.metric < x'' AND length(touchpoint.notes) <= 100000 AND touchpoint.notes >= '' AND touchpoint.notes < x'' ORDER BY touchpoint.position, touchpoint.id",
    'cell': "SELECT cell.touchpoint_id, cell.department_id, cell.role, cell.note \nFROM cell \nWHERE (cell.role IS NULL OR length(cell.role) <= 1) AND length(cell.note) <= 100000 AND cell.note >= '' AND cell.note < x''",
    'cell_target': 'SELECT cell_target.touchpoint_id, cell_target.department_id, cell_target.role \nFROM cell_target \nWHERE cell_target.role IS NULL OR length(cell_target.role) <= 1',
    'cell_action': "SELECT cell_action.touchpoint_id, cell_action.department_id, cell_action.person, cell_action.due, cell_action.status, cell_action.note \nFROM cell_action \nWHERE length(cell_action.person) <= 10000 AND cell_action.person >= '' AND cell_action.person < x'' AND length(cell_action.due) <= 10 AND cell_action.due >= '' AND cell_action.due < x'' AND length(cell_action.status) <= 11 AND length(cell_action.note) <= 100000 AND cell_action.note >= '' AND cell_action.note < x''",
    'planned_touchpoint': 'SELECT planned_touchpoint.touchpoint_id \nFROM planned_touchpoint',
    'planned_department': 'SELECT planned_department.department_id \nFROM planned_department',
    'signoff': "SELECT signoff.department_id, signoff.state, signoff.lead, signoff.dated, signoff.touchpoint_set, signoff.fingerprint \nFROM signoff \nWHERE length(signoff.state) <= 8 AND length(signoff.lead) <= 10000 AND signoff.lead >= '' AND signoff.lead < x'' AND length(signoff.dated) <= 10 AND signoff.dated >= '' AND signoff.dated < x'' AND length(signoff.touchpoint_set) <= 16 AND signoff.touchpoint_set >= '' AND signoff.touchpoint_set < x'' AND length(signoff.fingerprint) <= 16 AND signoff.fingerprint >= '' AND signoff.fingerprint < x''",
    'signoff_basis': "SELECT signoff_basis.department_id, signoff_basis.touchpoint_id, signoff_basis.role, signoff_basis.target_role \nFROM signoff_basis \nWHERE typeof(signoff_basis.touchpoint_id) IN ('integer') AND typeof(signoff_basis.position) IN ('integer') AND (signoff_basis.role IS NULL OR length(signoff_basis.role) <= 1) AND (signoff_basis.target_role IS NULL OR length(signoff_basis.target_role) <= 1) ORDER BY signoff_basis.position, signoff_basis.department_id, signoff_basis.touchpoint_id",
    'signoff_dispute': "SELECT signoff_dispute.department_id, signoff_dispute.touchpoint_id, signoff_dispute.comment, signoff_dispute.proposed \nFROM signoff_dispute \nWHERE typeof(signoff_dispute.position) IN ('integer') AND length(signoff_dispute.comment) <= 100000 AND signoff_dispute.comment >= '' AND signoff_dispute.comment < x'' AND (signoff_dispute.proposed IS NULL OR length(signoff_dispute.proposed) <= 1) ORDER BY signoff_dispute.position, signoff_dispute.department_id, signoff_dispute.touchpoint_id",
    'touchpoint_comment': "SELECT touchpoint_comment.uid, touchpoint_comment.touchpoint_id, touchpoint_comment.department_id, touchpoint_comment.author, touchpoint_comment.at, touchpoint_comment.body \nFROM touchpoint_comment \nWHERE length(touchpoint_comment.uid) <= 32 AND touchpoint_comment.uid >= '' AND touchpoint_comment.uid < x'' AND typeof(touchpoint_comment.touchpoint_id) IN ('integer') AND typeof(touchpoint_comment.department_id) IN ('integer', 'null') AND length(touchpoint_comment.author) <= 10000 AND touchpoint_comment.author >= '' AND touchpoint_comment.author < x'' AND length(touchpoint_comment.at) <= 40 AND touchpoint_comment.at >= '' AND touchpoint_comment.at < x'' AND length(touchpoint_comment.body) <= 100000 AND touchpoint_comment.body >= '' AND touchpoint_comment.body < x''",
}

INSERT = {
    'stage': 'INSERT INTO stage (id, name, position) VALUES (?, ?, ?)',
    'department': 'INSERT INTO department (id, name, code, lead, position) VALUES (?, ?, ?, ?, ?)',
    'matrix': 'INSERT INTO matrix (id, title, organisation, description, prepared_by, focus_department_id, created, modified, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    'touchpoint': 'INSERT INTO touchpoint (id, stage_id, position, name, category, channel, description, peak, is_end, metric, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    'cell': 'INSERT INTO cell (touchpoint_id, department_id, role, note) VALUES (?, ?, ?, ?)',
    'cell_target': 'INSERT INTO cell_target (touchpoint_id, department_id, role) VALUES (?, ?, ?)',
    'cell_action': 'INSERT INTO cell_action (touchpoint_id, department_id, person, due, status, note) VALUES (?, ?, ?, ?, ?, ?)',
    'planned_touchpoint': 'INSERT INTO planned_touchpoint (touchpoint_id) VALUES (?)',
    'planned_department': 'INSERT INTO planned_department (department_id) VALUES (?)',
    'signoff': 'INSERT INTO signoff (department_id, state, lead, dated, touchpoint_set, fingerprint) VALUES (?, ?, ?, ?, ?, ?)',
    'signoff_basis': 'INSERT INTO signoff_basis (department_id, touchpoint_id, position, role, target_role) VALUES (?, ?, ?, ?, ?)',
    'signoff_dispute': 'INSERT INTO signoff_dispute (department_id, touchpoint_id, position, comment, proposed) VALUES (?, ?, ?, ?, ?)',
    'touchpoint_comment': 'INSERT INTO touchpoint_comment (uid, touchpoint_id, department_id, author, at, body) VALUES (?, ?, ?, ?, ?, ?)',
}

READ = {
    'touchpoint': 'SELECT touchpoint.id, touchpoint.stage_id, touchpoint.name, touchpoint.category, touchpoint.channel, touchpoint.description, touchpoint.peak, touchpoint.is_end, touchpoint.metric, touchpoint.notes, touchpoint.position \nFROM touchpoint ORDER BY touchpoint.position, touchpoint.id',
}

READ_VALUES = {
    'touchpoint': (
        None,
        None,
        (('text',), 10000),
        (('text',), 10000),
        (('text',), 10000),
        (('text',), 100000),
        (('integer',), 0),
        (('integer',), 0),
        (('text',), 100000),
        (('text',), 100000),
        (('integer',), 0),
    ),
    'cell': (None, None, (('text',), 100000), None),
}

READ_ROLES = 'SELECT cell.touchpoint_id, json_group_array(cell.department_id) AS json_group_array_1, json_group_array(cell.role) AS json_group_array_2 \nFROM cell \nWHERE cell.role IS NOT NULL GROUP BY cell.touchpoint_id'

READ_NOTES = "SELECT cell.touchpoint_id, cell.department_id, cell.note, cell.role IS NULL AS anon_1 \nFROM cell \nWHERE cell.note IS NOT '' ORDER BY cell.touchpoint_id, cell.department_id"

DROP_ALL = (
    'DROP TABLE touchpoint_comment',
    'DROP TABLE signoff_dispute',
    'DROP TABLE signoff_basis',
    'DROP TABLE signoff',
    'DROP TABLE planned_department',
    'DROP TABLE planned_touchpoint',
    'DROP TABLE cell_action',
    'DROP TABLE cell_target',
    'DROP TABLE cell',
    'DROP TABLE touchpoint',
    'DROP TABLE matrix',
    'DROP TABLE department',
    'DROP TABLE stage',
)

SINCE = {
    'cell_target': 5,
    'cell_action': 5,
    'planned_touchpoint': 5,
    'planned_department': 5,
    'signoff': 6,
    'signoff_basis': 6,
    'signoff_dispute': 6,
    'touchpoint_comment': 7,
    'snapshot': 5,
    'snapshot_stage': 5,
    'snapshot_department': 5,
    'snapshot_matrix': 5,
    'snapshot_touchpoint': 5,
    'snapshot_cell_pack': 8,
    'snapshot_cell_target': 5,
    'snapshot_cell_action': 5,
    'snapshot_planned_touchpoint': 5,
    'snapshot_planned_department': 5,
    'snapshot_signoff': 6,
    'snapshot_signoff_basis': 6,
    'snapshot_signoff_dispute': 6,
    'snapshot_touchpoint_comment': 7,
}

CREATE_FORMAT_5 = {
    'cell_target': (
        'CREATE TABLE cell_target (\n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\trole VARCHAR(1), \n\tPRIMARY KEY (touchpoint_id, department_id), \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE, \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)\n WITHOUT ROWID',
        'CREATE INDEX ix_cell_target_department_id ON cell_target (department_id)',
    ),
    'cell_action': (
        "CREATE TABLE cell_action (\n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\tperson VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdue VARCHAR(10) DEFAULT '' NOT NULL, \n\tstatus VARCHAR(11) DEFAULT 'planned' NOT NULL, \n\tnote VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (touchpoint_id, department_id), \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE, \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
        'CREATE INDEX ix_cell_action_department_id ON cell_action (department_id)',
    ),
    'planned_touchpoint': (
        'CREATE TABLE planned_touchpoint (\n\ttouchpoint_id INTEGER NOT NULL, \n\tPRIMARY KEY (touchpoint_id), \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE\n)',
    ),
    'planned_department': (
        'CREATE TABLE planned_department (\n\tdepartment_id INTEGER NOT NULL, \n\tPRIMARY KEY (department_id), \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)',
    ),
    'snapshot': (
        "CREATE TABLE snapshot (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\ttaken VARCHAR(40) NOT NULL, \n\tnote VARCHAR(100000) DEFAULT '' NOT NULL, \n\tdeleted BOOLEAN DEFAULT '0' NOT NULL, \n\ttouchpoints INTEGER DEFAULT '0' NOT NULL, \n\tone_owner INTEGER DEFAULT '0' NOT NULL, \n\tno_owner INTEGER DEFAULT '0' NOT NULL, \n\tseveral_owners INTEGER DEFAULT '0' NOT NULL, \n\thandle_without_own INTEGER DEFAULT '0' NOT NULL, \n\tplanned_changes INTEGER DEFAULT '0' NOT NULL, \n\tPRIMARY KEY (id)\n)",
    ),
    'snapshot_stage': (
        'CREATE TABLE snapshot_stage (\n\tsnapshot_id INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (snapshot_id, id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)',
    ),
    'snapshot_department': (
        "CREATE TABLE snapshot_department (\n\tsnapshot_id INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tcode VARCHAR(4) DEFAULT '' NOT NULL, \n\tlead VARCHAR(10000) DEFAULT '' NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (snapshot_id, id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)",
    ),
    'snapshot_matrix': (
        "CREATE TABLE snapshot_matrix (\n\tsnapshot_id INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\ttitle VARCHAR(10000) DEFAULT '' NOT NULL, \n\torganisation VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdescription VARCHAR(100000) DEFAULT '' NOT NULL, \n\tprepared_by VARCHAR(10000) DEFAULT '' NOT NULL, \n\tfocus_department_id INTEGER, \n\tcreated VARCHAR(10000) DEFAULT '' NOT NULL, \n\tmodified VARCHAR(10000) DEFAULT '' NOT NULL, \n\tuid VARCHAR(64) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)",
    ),
    'snapshot_touchpoint': (
        "CREATE TABLE snapshot_touchpoint (\n\tsnapshot_id INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\tstage_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tcategory VARCHAR(10000) DEFAULT '' NOT NULL, \n\tchannel VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdescription VARCHAR(100000) DEFAULT '' NOT NULL, \n\tpeak BOOLEAN DEFAULT '0' NOT NULL, \n\tis_end BOOLEAN DEFAULT '0' NOT NULL, \n\tmetric VARCHAR(100000) DEFAULT '' NOT NULL, \n\tnotes VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)",
    ),
    'snapshot_cell_target': (
        'CREATE TABLE snapshot_cell_target (\n\tsnapshot_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\trole VARCHAR(1), \n\tPRIMARY KEY (snapshot_id, touchpoint_id, department_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID',
    ),
    'snapshot_cell_action': (
        "CREATE TABLE snapshot_cell_action (\n\tsnapshot_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\tperson VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdue VARCHAR(10) DEFAULT '' NOT NULL, \n\tstatus VARCHAR(11) DEFAULT 'planned' NOT NULL, \n\tnote VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, touchpoint_id, department_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    ),
    'snapshot_planned_touchpoint': (
        'CREATE TABLE snapshot_planned_touchpoint (\n\tsnapshot_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tPRIMARY KEY (snapshot_id, touchpoint_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)',
    ),
    'snapshot_planned_department': (
        'CREATE TABLE snapshot_planned_department (\n\tsnapshot_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\tPRIMARY KEY (snapshot_id, department_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)',
    ),
}

CREATE_FORMAT_6 = {
    'signoff': (
        "CREATE TABLE signoff (\n\tdepartment_id INTEGER NOT NULL, \n\tstate VARCHAR(8) NOT NULL, \n\tlead VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdated VARCHAR(10) DEFAULT '' NOT NULL, \n\ttouchpoint_set VARCHAR(16) DEFAULT '' NOT NULL, \n\tfingerprint VARCHAR(16) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (department_id), \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)",
    ),
    'signoff_basis': (
        'CREATE TABLE signoff_basis (\n\tdepartment_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\trole VARCHAR(1), \n\ttarget_role VARCHAR(1), \n\tPRIMARY KEY (department_id, touchpoint_id), \n\tFOREIGN KEY(department_id) REFERENCES signoff (department_id) ON DELETE CASCADE\n)\n WITHOUT ROWID',
    ),
    'signoff_dispute': (
        "CREATE TABLE signoff_dispute (\n\tdepartment_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tcomment VARCHAR(100000) DEFAULT '' NOT NULL, \n\tproposed VARCHAR(1), \n\tPRIMARY KEY (department_id, touchpoint_id), \n\tFOREIGN KEY(department_id) REFERENCES signoff (department_id) ON DELETE CASCADE, \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
        'CREATE INDEX ix_signoff_dispute_touchpoint_id ON signoff_dispute (touchpoint_id)',
    ),
    'snapshot_signoff': (
        "CREATE TABLE snapshot_signoff (\n\tsnapshot_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\tstate VARCHAR(8) NOT NULL, \n\tlead VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdated VARCHAR(10) DEFAULT '' NOT NULL, \n\ttouchpoint_set VARCHAR(16) DEFAULT '' NOT NULL, \n\tfingerprint VARCHAR(16) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, department_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)",
    ),
    'snapshot_signoff_basis': (
        'CREATE TABLE snapshot_signoff_basis (\n\tsnapshot_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\trole VARCHAR(1), \n\ttarget_role VARCHAR(1), \n\tPRIMARY KEY (snapshot_id, department_id, touchpoint_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID',
    ),
    'snapshot_signoff_dispute': (
        "CREATE TABLE snapshot_signoff_dispute (\n\tsnapshot_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tcomment VARCHAR(100000) DEFAULT '' NOT NULL, \n\tproposed VARCHAR(1), \n\tPRIMARY KEY (snapshot_id, department_id, touchpoint_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    ),
}

CREATE_FORMAT_7 = {
    'touchpoint_comment': (
        'CREATE TABLE touchpoint_comment (\n\tuid VARCHAR(32) NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER, \n\tauthor VARCHAR(10000) NOT NULL, \n\tat VARCHAR(40) NOT NULL, \n\tbody VARCHAR(100000) NOT NULL, \n\tPRIMARY KEY (uid)\n)',
        'CREATE INDEX ix_touchpoint_comment_touchpoint_id ON touchpoint_comment (touchpoint_id)',
    ),
    'snapshot_touchpoint_comment': (
        'CREATE TABLE snapshot_touchpoint_comment (\n\tsnapshot_id INTEGER NOT NULL, \n\tuid VARCHAR(32) NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER, \n\tauthor VARCHAR(10000) NOT NULL, \n\tat VARCHAR(40) NOT NULL, \n\tbody VARCHAR(100000) NOT NULL, \n\tPRIMARY KEY (snapshot_id, uid), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)',
    ),
}

CREATE_FORMAT_8 = {
    'snapshot_cell_pack': (
        "CREATE TABLE snapshot_cell_pack (\n\tsnapshot_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartments TEXT NOT NULL, \n\troles TEXT NOT NULL, \n\tnotes TEXT DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, touchpoint_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    ),
}

PACK_FORMAT_7_CELLS = (
    "INSERT INTO snapshot_cell_pack (snapshot_id, touchpoint_id, departments, roles, notes) SELECT snapshot_cell.snapshot_id, snapshot_cell.touchpoint_id, json_group_array(snapshot_cell.department_id) AS json_group_array_1, group_concat(CASE WHEN (snapshot_cell.role IS NULL) THEN '-' WHEN (snapshot_cell.role IN ('O', 'I', 'H')) THEN snapshot_cell.role ELSE '?' END, '') AS group_concat_1, CASE WHEN (max(snapshot_cell.note != '') = 1) THEN json_group_array(snapshot_cell.note) ELSE '' END AS anon_1 \nFROM snapshot_cell GROUP BY snapshot_cell.snapshot_id, snapshot_cell.touchpoint_id",
    'DROP TABLE snapshot_cell',
)

ADD_COLUMNS_FORMAT_6 = {
    'matrix': ("ALTER TABLE matrix ADD COLUMN uid VARCHAR(64) DEFAULT '' NOT NULL",),
    'snapshot_matrix': (
        "ALTER TABLE snapshot_matrix ADD COLUMN uid VARCHAR(64) DEFAULT '' NOT NULL",
    ),
}

FILL_FORMAT_6 = (
    "UPDATE matrix SET uid=lower(hex(randomblob(16))) WHERE matrix.uid = ''",
    "UPDATE snapshot_matrix SET uid=(SELECT matrix.uid \nFROM matrix) WHERE snapshot_matrix.uid = ''",
)

SNAPSHOT_CREATE = (
    "CREATE TABLE snapshot (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\ttaken VARCHAR(40) NOT NULL, \n\tnote VARCHAR(100000) DEFAULT '' NOT NULL, \n\tdeleted BOOLEAN DEFAULT '0' NOT NULL, \n\ttouchpoints INTEGER DEFAULT '0' NOT NULL, \n\tone_owner INTEGER DEFAULT '0' NOT NULL, \n\tno_owner INTEGER DEFAULT '0' NOT NULL, \n\tseveral_owners INTEGER DEFAULT '0' NOT NULL, \n\thandle_without_own INTEGER DEFAULT '0' NOT NULL, \n\tplanned_changes INTEGER DEFAULT '0' NOT NULL, \n\tPRIMARY KEY (id)\n)",
    'CREATE TABLE snapshot_stage (\n\tsnapshot_id INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (snapshot_id, id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)',
    "CREATE TABLE snapshot_department (\n\tsnapshot_id INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tcode VARCHAR(4) DEFAULT '' NOT NULL, \n\tlead VARCHAR(10000) DEFAULT '' NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (snapshot_id, id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)",
    "CREATE TABLE snapshot_matrix (\n\tsnapshot_id INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\ttitle VARCHAR(10000) DEFAULT '' NOT NULL, \n\torganisation VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdescription VARCHAR(100000) DEFAULT '' NOT NULL, \n\tprepared_by VARCHAR(10000) DEFAULT '' NOT NULL, \n\tfocus_department_id INTEGER, \n\tcreated VARCHAR(10000) DEFAULT '' NOT NULL, \n\tmodified VARCHAR(10000) DEFAULT '' NOT NULL, \n\tuid VARCHAR(64) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)",
    "CREATE TABLE snapshot_touchpoint (\n\tsnapshot_id INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\tstage_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tcategory VARCHAR(10000) DEFAULT '' NOT NULL, \n\tchannel VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdescription VARCHAR(100000) DEFAULT '' NOT NULL, \n\tpeak BOOLEAN DEFAULT '0' NOT NULL, \n\tis_end BOOLEAN DEFAULT '0' NOT NULL, \n\tmetric VARCHAR(100000) DEFAULT '' NOT NULL, \n\tnotes VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)",
    "CREATE TABLE snapshot_cell_pack (\n\tsnapshot_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartments TEXT NOT NULL, \n\troles TEXT NOT NULL, \n\tnotes TEXT DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, touchpoint_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    'CREATE TABLE snapshot_cell_target (\n\tsnapshot_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\trole VARCHAR(1), \n\tPRIMARY KEY (snapshot_id, touchpoint_id, department_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID',
    "CREATE TABLE snapshot_cell_action (\n\tsnapshot_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\tperson VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdue VARCHAR(10) DEFAULT '' NOT NULL, \n\tstatus VARCHAR(11) DEFAULT 'planned' NOT NULL, \n\tnote VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, touchpoint_id, department_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    'CREATE TABLE snapshot_planned_touchpoint (\n\tsnapshot_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tPRIMARY KEY (snapshot_id, touchpoint_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)',
    'CREATE TABLE snapshot_planned_department (\n\tsnapshot_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\tPRIMARY KEY (snapshot_id, department_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)',
    "CREATE TABLE snapshot_signoff (\n\tsnapshot_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\tstate VARCHAR(8) NOT NULL, \n\tlead VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdated VARCHAR(10) DEFAULT '' NOT NULL, \n\ttouchpoint_set VARCHAR(16) DEFAULT '' NOT NULL, \n\tfingerprint VARCHAR(16) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (snapshot_id, department_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)",
    'CREATE TABLE snapshot_signoff_basis (\n\tsnapshot_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\trole VARCHAR(1), \n\ttarget_role VARCHAR(1), \n\tPRIMARY KEY (snapshot_id, department_id, touchpoint_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID',
    "CREATE TABLE snapshot_signoff_dispute (\n\tsnapshot_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tcomment VARCHAR(100000) DEFAULT '' NOT NULL, \n\tproposed VARCHAR(1), \n\tPRIMARY KEY (snapshot_id, department_id, touchpoint_id), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    'CREATE TABLE snapshot_touchpoint_comment (\n\tsnapshot_id INTEGER NOT NULL, \n\tuid VARCHAR(32) NOT NULL, \n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER, \n\tauthor VARCHAR(10000) NOT NULL, \n\tat VARCHAR(40) NOT NULL, \n\tbody VARCHAR(100000) NOT NULL, \n\tPRIMARY KEY (snapshot_id, uid), \n\tFOREIGN KEY(snapshot_id) REFERENCES snapshot (id) ON DELETE CASCADE\n)',
)

SNAPSHOT_DROP_ALL = (
    'DROP TABLE snapshot_touchpoint_comment',
    'DROP TABLE snapshot_signoff_dispute',
    'DROP TABLE snapshot_signoff_basis',
    'DROP TABLE snapshot_signoff',
    'DROP TABLE snapshot_planned_department',
    'DROP TABLE snapshot_planned_touchpoint',
    'DROP TABLE snapshot_cell_action',
    'DROP TABLE snapshot_cell_target',
    'DROP TABLE snapshot_cell_pack',
    'DROP TABLE snapshot_touchpoint',
    'DROP TABLE snapshot_matrix',
    'DROP TABLE snapshot_department',
    'DROP TABLE snapshot_stage',
    'DROP TABLE snapshot',
)

SNAPSHOT_COLUMNS = (
    'id',
    'name',
    'taken',
    'note',
    'deleted',
    'touchpoints',
    'one_owner',
    'no_owner',
    'several_owners',
    'handle_without_own',
    'planned_changes',
)

SNAPSHOT_INSERT = 'INSERT INTO snapshot (id, name, taken, note, deleted, touchpoints, one_owner, no_owner, several_owners, handle_without_own, planned_changes) VALUES (:id, :name, :taken, :note, :deleted, :touchpoints, :one_owner, :no_owner, :several_owners, :handle_without_own, :planned_changes)'

SNAPSHOT_TAKE = {
    'stage': 'INSERT INTO snapshot_stage (snapshot_id, id, name, position) SELECT :snapshot_id AS anon_1, stage.id, stage.name, stage.position \nFROM stage',
    'department': 'INSERT INTO snapshot_department (snapshot_id, id, name, code, lead, position) SELECT :snapshot_id AS anon_1, department.id, department.name, department.code, department.lead, department.position \nFROM department',
    'matrix': 'INSERT INTO snapshot_matrix (snapshot_id, id, title, organisation, description, prepared_by, focus_department_id, created, modified, uid) SELECT :snapshot_id AS anon_1, matrix.id, matrix.title, matrix.organisation, matrix.description, matrix.prepared_by, matrix.focus_department_id, matrix.created, matrix.modified, matrix.uid \nFROM matrix',
    'touchpoint': 'INSERT INTO snapshot_touchpoint (snapshot_id, id, stage_id, position, name, category, channel, description, peak, is_end, metric, notes) SELECT :snapshot_id AS anon_1, touchpoint.id, touchpoint.stage_id, touchpoint.position, touchpoint.name, touchpoint.category, touchpoint.channel, touchpoint.description, touchpoint.peak, touchpoint.is_end, touchpoint.metric, touchpoint.notes \nFROM touchpoint',
    'cell': "INSERT INTO snapshot_cell_pack (snapshot_id, touchpoint_id, departments, roles, notes) SELECT :snapshot_id AS anon_1, cell.touchpoint_id, json_group_array(cell.department_id) AS json_group_array_1, group_concat(CASE WHEN (cell.role IS NULL) THEN '-' WHEN (cell.role IN ('O', 'I', 'H')) THEN cell.role ELSE '?' END, '') AS group_concat_1, CASE WHEN (max(cell.note != '') = 1) THEN json_group_array(cell.note) ELSE '' END AS anon_2 \nFROM cell GROUP BY cell.touchpoint_id",
    'cell_target': 'INSERT INTO snapshot_cell_target (snapshot_id, touchpoint_id, department_id, role) SELECT :snapshot_id AS anon_1, cell_target.touchpoint_id, cell_target.department_id, cell_target.role \nFROM cell_target',
    'cell_action': 'INSERT INTO snapshot_cell_action (snapshot_id, touchpoint_id, department_id, person, due, status, note) SELECT :snapshot_id AS anon_1, cell_action.touchpoint_id, cell_action.department_id, cell_action.person, cell_action.due, cell_action.status, cell_action.note \nFROM cell_action',
    'planned_touchpoint': 'INSERT INTO snapshot_planned_touchpoint (snapshot_id, touchpoint_id) SELECT :snapshot_id AS anon_1, planned_touchpoint.touchpoint_id \nFROM planned_touchpoint',
    'planned_department': 'INSERT INTO snapshot_planned_department (snapshot_id, department_id) SELECT :snapshot_id AS anon_1, planned_department.department_id \nFROM planned_department',
    'signoff': 'INSERT INTO snapshot_signoff (snapshot_id, department_id, state, lead, dated, touchpoint_set, fingerprint) SELECT :snapshot_id AS anon_1, signoff.department_id, signoff.state, signoff.lead, signoff.dated, signoff.touchpoint_set, signoff.fingerprint \nFROM signoff',
    'signoff_basis': 'INSERT INTO snapshot_signoff_basis (snapshot_id, department_id, touchpoint_id, position, role, target_role) SELECT :snapshot_id AS anon_1, signoff_basis.department_id, signoff_basis.touchpoint_id, signoff_basis.position, signoff_basis.role, signoff_basis.target_role \nFROM signoff_basis',
    'signoff_dispute': 'INSERT INTO snapshot_signoff_dispute (snapshot_id, department_id, touchpoint_id, position, comment, proposed) SELECT :snapshot_id AS anon_1, signoff_dispute.department_id, signoff_dispute.touchpoint_id, signoff_dispute.position, signoff_dispute.comment, signoff_dispute.proposed \nFROM signoff_dispute',
    'touchpoint_comment': 'INSERT INTO snapshot_touchpoint_comment (snapshot_id, uid, touchpoint_id, department_id, author, at, body) SELECT :snapshot_id AS anon_1, touchpoint_comment.uid, touchpoint_comment.touchpoint_id, touchpoint_comment.department_id, touchpoint_comment.author, touchpoint_comment.at, touchpoint_comment.body \nFROM touchpoint_comment',
}

SNAPSHOT_EXTRACT = {
    'stage': 'CREATE TEMP TABLE stage AS SELECT snapshot_stage.id, snapshot_stage.name, snapshot_stage.position \nFROM snapshot_stage \nWHERE snapshot_stage.snapshot_id = :snapshot_id',
    'department': 'CREATE TEMP TABLE department AS SELECT snapshot_department.id, snapshot_department.name, snapshot_department.code, snapshot_department.lead, snapshot_department.position \nFROM snapshot_department \nWHERE snapshot_department.snapshot_id = :snapshot_id',
    'matrix': 'CREATE TEMP TABLE matrix AS SELECT snapshot_matrix.id, snapshot_matrix.title, snapshot_matrix.organisation, snapshot_matrix.description, snapshot_matrix.prepared_by, snapshot_matrix.focus_department_id, snapshot_matrix.created, snapshot_matrix.modified, snapshot_matrix.uid \nFROM snapshot_matrix \nWHERE snapshot_matrix.snapshot_id = :snapshot_id',
    'touchpoint': 'CREATE TEMP TABLE touchpoint AS SELECT snapshot_touchpoint.id, snapshot_touchpoint.stage_id, snapshot_touchpoint.position, snapshot_touchpoint.name, snapshot_touchpoint.category, snapshot_touchpoint.channel, snapshot_touchpoint.description, snapshot_touchpoint.peak, snapshot_touchpoint.is_end, snapshot_touchpoint.metric, snapshot_touchpoint.notes \nFROM snapshot_touchpoint \nWHERE snapshot_touchpoint.snapshot_id = :snapshot_id',
    'cell': 'CREATE TEMP TABLE cell AS SELECT snapshot_cell_pack.touchpoint_id AS touchpoint_id, d.value AS department_id, nullif(substr(snapshot_cell_pack.roles, d."key" + 1, 1), \'-\') AS role, CASE WHEN (snapshot_cell_pack.notes = \'\') THEN \'\' ELSE json_extract(snapshot_cell_pack.notes, \'$[\' || d."key" || \']\') END AS note \nFROM snapshot_cell_pack, json_each(snapshot_cell_pack.departments) AS d \nWHERE snapshot_cell_pack.snapshot_id = :snapshot_id',
    'cell_target': 'CREATE TEMP TABLE cell_target AS SELECT snapshot_cell_target.touchpoint_id, snapshot_cell_target.department_id, snapshot_cell_target.role \nFROM snapshot_cell_target \nWHERE snapshot_cell_target.snapshot_id = :snapshot_id',
    'cell_action': 'CREATE TEMP TABLE cell_action AS SELECT snapshot_cell_action.touchpoint_id, snapshot_cell_action.department_id, snapshot_cell_action.person, snapshot_cell_action.due, snapshot_cell_action.status, snapshot_cell_action.note \nFROM snapshot_cell_action \nWHERE snapshot_cell_action.snapshot_id = :snapshot_id',
    'planned_touchpoint': 'CREATE TEMP TABLE planned_touchpoint AS SELECT snapshot_planned_touchpoint.touchpoint_id \nFROM snapshot_planned_touchpoint \nWHERE snapshot_planned_touchpoint.snapshot_id = :snapshot_id',
    'planned_department': 'CREATE TEMP TABLE planned_department AS SELECT snapshot_planned_department.department_id \nFROM snapshot_planned_department \nWHERE snapshot_planned_department.snapshot_id = :snapshot_id',
    'signoff': 'CREATE TEMP TABLE signoff AS SELECT snapshot_signoff.department_id, snapshot_signoff.state, snapshot_signoff.lead, snapshot_signoff.dated, snapshot_signoff.touchpoint_set, snapshot_signoff.fingerprint \nFROM snapshot_signoff \nWHERE snapshot_signoff.snapshot_id = :snapshot_id',
    'signoff_basis': 'CREATE TEMP TABLE signoff_basis AS SELECT snapshot_signoff_basis.department_id, snapshot_signoff_basis.touchpoint_id, snapshot_signoff_basis.position, snapshot_signoff_basis.role, snapshot_signoff_basis.target_role \nFROM snapshot_signoff_basis \nWHERE snapshot_signoff_basis.snapshot_id = :snapshot_id',
    'signoff_dispute': 'CREATE TEMP TABLE signoff_dispute AS SELECT snapshot_signoff_dispute.department_id, snapshot_signoff_dispute.touchpoint_id, snapshot_signoff_dispute.position, snapshot_signoff_dispute.comment, snapshot_signoff_dispute.proposed \nFROM snapshot_signoff_dispute \nWHERE snapshot_signoff_dispute.snapshot_id = :snapshot_id',
    'touchpoint_comment': 'CREATE TEMP TABLE touchpoint_comment AS SELECT snapshot_touchpoint_comment.uid, snapshot_touchpoint_comment.touchpoint_id, snapshot_touchpoint_comment.department_id, snapshot_touchpoint_comment.author, snapshot_touchpoint_comment.at, snapshot_touchpoint_comment.body \nFROM snapshot_touchpoint_comment \nWHERE snapshot_touchpoint_comment.snapshot_id = :snapshot_id',
}

SNAPSHOT_DROP_EXTRACTED = {
    'stage': 'DROP TABLE IF EXISTS temp.stage',
    'department': 'DROP TABLE IF EXISTS temp.department',
    'matrix': 'DROP TABLE IF EXISTS temp.matrix',
    'touchpoint': 'DROP TABLE IF EXISTS temp.touchpoint',
    'cell': 'DROP TABLE IF EXISTS temp.cell',
    'cell_target': 'DROP TABLE IF EXISTS temp.cell_target',
    'cell_action': 'DROP TABLE IF EXISTS temp.cell_action',
    'planned_touchpoint': 'DROP TABLE IF EXISTS temp.planned_touchpoint',
    'planned_department': 'DROP TABLE IF EXISTS temp.planned_department',
    'signoff': 'DROP TABLE IF EXISTS temp.signoff',
    'signoff_basis': 'DROP TABLE IF EXISTS temp.signoff_basis',
    'signoff_dispute': 'DROP TABLE IF EXISTS temp.signoff_dispute',
    'touchpoint_comment': 'DROP TABLE IF EXISTS temp.touchpoint_comment',
}

SNAPSHOT_LIST = 'SELECT snapshot.id, snapshot.name, snapshot.taken, snapshot.note, snapshot.touchpoints, snapshot.one_owner, snapshot.no_owner, snapshot.several_owners, snapshot.handle_without_own, snapshot.planned_changes \nFROM snapshot \nWHERE snapshot.deleted = 0 ORDER BY snapshot.taken, snapshot.id'

SNAPSHOT_FIND = 'SELECT snapshot.id, snapshot.name, snapshot.taken, snapshot.note, snapshot.touchpoints, snapshot.one_owner, snapshot.no_owner, snapshot.several_owners, snapshot.handle_without_own, snapshot.planned_changes \nFROM snapshot \nWHERE snapshot.id = :snapshot_id AND snapshot.deleted = 0'

SNAPSHOT_NEXT_ID = 'SELECT coalesce(max(snapshot.id), 0) + 1 AS anon_1 \nFROM snapshot'

SNAPSHOT_COUNT = 'SELECT count(*) AS count_1 \nFROM snapshot \nWHERE snapshot.deleted = 0'

SNAPSHOT_RENAME = 'UPDATE snapshot SET name=:new_name WHERE snapshot.id = :snapshot_id'

SNAPSHOT_SET_DELETED = 'UPDATE snapshot SET deleted=:is_deleted WHERE snapshot.id = :snapshot_id'

SNAPSHOT_PURGE = 'DELETE FROM snapshot WHERE snapshot.deleted = 1'

EDIT_CELL_UPSERT = 'INSERT INTO cell (touchpoint_id, department_id, role, note) VALUES (:tid, :did, :cell_role, :cell_note) ON CONFLICT (touchpoint_id, department_id) DO UPDATE SET role = excluded.role, note = excluded.note'

EDIT_CELL_DELETE = 'DELETE FROM cell WHERE cell.touchpoint_id = :tid AND cell.department_id = :did'

EDIT_TOUCH_MODIFIED = 'UPDATE matrix SET modified=:when'

SIGNOFF_DELETE = 'DELETE FROM signoff WHERE signoff.department_id = :signoff_department'
