# Copyright (c) pg_migrate contributors
#
# test/t/025_pgxn_meta.pl
#
# The PGXN distribution (no cluster, no network):
#
#  a. META.json is valid under the PGXN Meta Spec 1.0.0
#     (https://pgxn.org/meta/spec.txt), checked here field by field: the
#     required keys and their types, the optional ones that are present,
#     no keys the spec does not know (other than x_ custom keys);
#  b. it agrees with the tree: the distribution's version is the
#     default_version of pg_migrate.control and the newest version heading
#     of CHANGELOG.md, "provides" names exactly the extensions of the
#     top-level control files, each with its install script for its
#     default_version and an existing docfile, and every extension a
#     control file requires is provided or listed in the prereqs;
#  c. the distribution is not named "pg_migrate": PGXN already has an
#     unrelated distribution of that name (the extension keeps it);
#  d. "make dist" in a clean git clone of this tree (a snapshot of it
#     committed in a temporary repository, so that uncommitted work under
#     test is included) writes NAME-VERSION.zip, everything under
#     NAME-VERSION/, with META.json, the control files and the SQL
#     scripts; a second "make dist" works (the zip itself does not make
#     the tree dirty); with a modified or an untracked file it refuses
#     with a message and writes no zip.  Skipped when git is missing.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Temp qw(tempdir);
use FindBin;
use IO::Uncompress::Unzip qw($UnzipError);
use IPC::Run;
use JSON::PP;
use Test::More;

my $root = abs_path("$FindBin::RealBin/../..");

sub slurp
{
	my ($path) = @_;
	open my $fh, '<:raw', $path or die "cannot open $path: $!";
	local $/;
	my $text = <$fh>;
	close $fh;
	return $text;
}

# --- a. the spec's types --------------------------------------------------

my @errors;

sub bad { push @errors, join('', @_); return 0; }

sub is_string { my ($v) = @_; return defined $v && !ref $v && length $v > 0; }

# Term: a String of at least two characters, no slash, backslash, control
# or space characters
sub is_term
{
	my ($v) = @_;
	return is_string($v) && length $v >= 2 && $v !~ m{[/\\\p{Cntrl}\s]};
}

# Tag: a String of fewer than 256 characters, no slash, backslash or
# control characters
sub is_tag
{
	my ($v) = @_;
	return is_string($v) && length $v < 256 && $v !~ m{[/\\\p{Cntrl}]};
}

# Version: a semantic version (2.0.0; the spec's older pre-release form
# without a dash is accepted too)
sub is_version
{
	my ($v) = @_;
	return is_string($v)
	  && $v =~ /\A(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)
	            (?:-?[0-9A-Za-z][0-9A-Za-z.-]*)?(?:\+[0-9A-Za-z.-]+)?\z/x;
}

# Version Range: 0, a Version, or comma-separated Versions each with an
# optional operator
sub is_version_range
{
	my ($v) = @_;
	return 0 unless defined $v && !ref $v;
	return 1 if "$v" eq '0';
	for my $part (split /\s*,\s*/, $v, -1)
	{
		return 0 unless $part =~ /\A\s*(?:<=|>=|==|!=|<|>)?\s*(\S+)\s*\z/;
		return 0 unless $1 eq '0' || is_version($1);
	}
	return 1;
}

sub is_uri
{
	my ($v) = @_;
	return is_string($v) && $v =~ m{\A[A-Za-z][A-Za-z0-9+.-]*:\S+\z};
}

sub is_map { my ($v) = @_; return ref $v eq 'HASH'; }

# a List, or a String standing for a List of one
sub as_list
{
	my ($v) = @_;
	return ref $v eq 'ARRAY' ? @$v : defined $v && !ref $v ? ($v) : ();
}

sub is_relpath
{
	my ($v) = @_;
	return is_string($v) && $v !~ m{\A/} && $v !~ m{\\} && $v !~ m{(?:\A|/)\.\.(?:/|\z)};
}

sub custom { my ($k) = @_; return $k =~ /\Ax_/i; }

my %license_strings = map { $_ => 1 } qw(
  agpl_3 apache_1_1 apache_2_0 artistic_1 artistic_2 bsd freebsd gfdl_1_2
  gfdl_1_3 gpl_1 gpl_2 gpl_3 lgpl_2_1 lgpl_3_0 mit mozilla_1_0 mozilla_1_1
  openssl perl_5 postgresql qpl_1_0 ssleay sun zlib open_source restricted
  unrestricted unknown);

my $meta_text = slurp("$root/META.json");
my $meta = eval { JSON::PP->new->utf8->decode($meta_text) };
ok(is_map($meta), 'META.json is a JSON object') or diag($@);
BAIL_OUT('META.json does not parse') unless is_map($meta);

my %known = map { $_ => 1 } qw(name abstract description version maintainer
  license provides prereqs release_status resources tags no_index
  generated_by meta-spec);
for my $k (sort keys %$meta)
{
	bad("unknown top-level key \"$k\" (custom keys start with x_)")
	  unless $known{$k} || custom($k);
}
for my $k (qw(name abstract version maintainer license provides meta-spec))
{
	bad("required key \"$k\" is missing") unless exists $meta->{$k};
}

bad('name is not a Term') unless is_term($meta->{name});
bad('abstract is not a String') unless is_string($meta->{abstract});
bad('version is not a Version') unless is_version($meta->{version});
for my $k (qw(description generated_by))
{
	bad("$k is not a String") if exists $meta->{$k} && !is_string($meta->{$k});
}

{
	my @m = as_list($meta->{maintainer});
	bad('maintainer is not a List of one or more Strings')
	  unless @m && !grep { !is_string($_) } @m;
}

{
	my $l = $meta->{license};
	if (is_map($l))
	{
		bad('license is an empty Map') unless %$l;
		for my $k (sort keys %$l)
		{
			bad("license \"$k\" does not link to a URI") unless is_uri($l->{$k});
		}
	}
	else
	{
		my @l = as_list($l);
		bad('license is neither a Map nor a List of License Strings')
		  unless @l && !grep { !is_string($_) || !$license_strings{$_} } @l;
	}
}

{
	my $ms = $meta->{'meta-spec'};
	if (!is_map($ms))
	{
		bad('meta-spec is not a Map');
	}
	else
	{
		bad('meta-spec version is not 1.0.x')
		  unless is_string($ms->{version}) && $ms->{version} =~ /\A1\.0\.[0-9]+\z/;
		bad('meta-spec url is not a URI') if exists $ms->{url} && !is_uri($ms->{url});
		for my $k (sort keys %$ms)
		{
			bad("unknown meta-spec key \"$k\"") unless $k eq 'version' || $k eq 'url' || custom($k);
		}
	}
}

if (!is_map($meta->{provides}) || !%{ $meta->{provides} })
{
	bad('provides is not a non-empty Map');
}
else
{
	for my $ext (sort keys %{ $meta->{provides} })
	{
		my $p = $meta->{provides}{$ext};
		bad("provides key \"$ext\" is not a Term") unless is_term($ext);
		if (!is_map($p))
		{
			bad("provides.$ext is not a Map");
			next;
		}
		bad("provides.$ext.file is not a relative unix path") unless is_relpath($p->{file});
		bad("provides.$ext.version is not a Version") unless is_version($p->{version});
		bad("provides.$ext.abstract is not a String")
		  if exists $p->{abstract} && !is_string($p->{abstract});
		bad("provides.$ext.docfile is not a relative unix path")
		  if exists $p->{docfile} && !is_relpath($p->{docfile});
		for my $k (sort keys %$p)
		{
			bad("unknown key provides.$ext.$k")
			  unless $k =~ /\A(?:file|version|abstract|docfile)\z/ || custom($k);
		}
	}
}

if (exists $meta->{prereqs})
{
	my $pr = $meta->{prereqs};
	if (!is_map($pr))
	{
		bad('prereqs is not a Map');
	}
	else
	{
		for my $phase (sort keys %$pr)
		{
			bad("unknown prereqs phase \"$phase\"")
			  unless $phase =~ /\A(?:configure|build|test|runtime|develop)\z/ || custom($phase);
			next unless is_map($pr->{$phase}) or bad("prereqs.$phase is not a Map");
			for my $rel (sort keys %{ $pr->{$phase} })
			{
				bad("unknown relationship prereqs.$phase.$rel")
				  unless $rel =~ /\A(?:requires|recommends|suggests|conflicts)\z/ || custom($rel);
				my $set = $pr->{$phase}{$rel};
				next unless is_map($set) or bad("prereqs.$phase.$rel is not a Map");
				for my $ext (sort keys %$set)
				{
					bad("prereqs.$phase.$rel: \"$ext\" is not a Term") unless is_term($ext);
					bad("prereqs.$phase.$rel.$ext is not a Version Range")
					  unless is_version_range($set->{$ext});
				}
			}
		}
	}
}

if (exists $meta->{release_status})
{
	bad('release_status is not stable, testing or unstable')
	  unless is_string($meta->{release_status})
	  && $meta->{release_status} =~ /\A(?:stable|testing|unstable)\z/;
}

if (exists $meta->{tags})
{
	my @t = as_list($meta->{tags});
	bad('tags is not a List of Tags') if grep { !is_tag($_) } @t;
}

if (exists $meta->{no_index})
{
	my $ni = $meta->{no_index};
	if (!is_map($ni))
	{
		bad('no_index is not a Map');
	}
	else
	{
		for my $k (sort keys %$ni)
		{
			bad("unknown no_index key \"$k\"") unless $k =~ /\A(?:file|directory)\z/ || custom($k);
			bad("no_index.$k is not a List of relative paths")
			  if grep { !is_relpath($_) } as_list($ni->{$k});
		}
	}
}

if (exists $meta->{resources})
{
	my $r = $meta->{resources};
	if (!is_map($r))
	{
		bad('resources is not a Map');
	}
	else
	{
		my %sub = (bugtracker => [qw(web mailto)], repository => [qw(url web type)]);
		for my $k (sort keys %$r)
		{
			if ($k eq 'homepage')
			{
				bad('resources.homepage is not a URI') unless is_uri($r->{$k});
			}
			elsif ($sub{$k})
			{
				next unless is_map($r->{$k}) or bad("resources.$k is not a Map");
				for my $s (sort keys %{ $r->{$k} })
				{
					my $v = $r->{$k}{$s};
					if (!grep { $_ eq $s } @{ $sub{$k} })
					{
						bad("unknown key resources.$k.$s") unless custom($s);
					}
					elsif ($s eq 'type')
					{
						bad("resources.$k.type is not a lowercase String")
						  unless is_string($v) && $v eq lc $v;
					}
					elsif ($s eq 'mailto')
					{
						bad("resources.$k.mailto is not an email address")
						  unless is_string($v) && $v =~ /\A[^\s@]+@[^\s@]+\z/;
					}
					else
					{
						bad("resources.$k.$s is not a URI") unless is_uri($v);
					}
				}
			}
			elsif (!custom($k))
			{
				bad("unknown resources key \"$k\"");
			}
		}
	}
}

ok(!@errors, 'META.json follows the PGXN Meta Spec 1.0.0')
  or diag(join("\n", @errors));
@errors = ();

# --- b. agreement with the tree -------------------------------------------

sub control
{
	my ($path) = @_;
	my %c;
	for (split /\n/, slurp($path))
	{
		$c{$1} = $2 if /^\s*(\w+)\s*=\s*'([^']*)'/;
	}
	return \%c;
}

opendir my $dh, $root or die "cannot read $root: $!";
my @controls = sort grep { /\A[A-Za-z0-9_]+\.control\z/ } readdir $dh;
closedir $dh;
my %control = map { (my $e = $_) =~ s/\.control\z//; ($e => control("$root/$_")) } @controls;

ok(exists $control{pg_migrate}, 'pg_migrate.control is found');
is($meta->{version}, $control{pg_migrate}{default_version},
	'the distribution version is the default_version of pg_migrate.control');

my ($changelog_version) = slurp("$root/CHANGELOG.md") =~ /^##\s+v?([0-9]+\.[0-9]+\.[0-9]+\S*)/m;
is($meta->{version}, $changelog_version,
	'the distribution version is the newest version heading of CHANGELOG.md');

is_deeply([ sort keys %{ $meta->{provides} } ], [ sort keys %control ],
	'provides names exactly the extensions of the top-level control files');

for my $ext (sort keys %control)
{
	my $p = $meta->{provides}{$ext} or next;
	my $dv = $control{$ext}{default_version};
	is($p->{version}, $dv, "provides.$ext.version is $ext.control's default_version");
	is($p->{file}, "$ext--$dv.sql", "provides.$ext.file is the install script of $dv");
	ok(-f "$root/$p->{file}", "provides.$ext.file $p->{file} exists");
	ok(-f "$root/$p->{docfile}", "provides.$ext.docfile $p->{docfile} exists")
	  if exists $p->{docfile};

	# every extension the control file requires is provided here or is a prereq
	for my $req (split /\s*,\s*/, $control{$ext}{requires} // '')
	{
		next if $meta->{provides}{$req};
		my @where = grep { exists $meta->{prereqs}{runtime}{$_}{$req} }
		  qw(requires recommends suggests);
		ok(@where, "$ext requires $req: a runtime prereq (@where)");
	}
}

my $pg = $meta->{prereqs}{runtime}{requires}{PostgreSQL};
is($pg, '15.0.0', 'runtime requires PostgreSQL 15.0.0');

# --- c. the name ------------------------------------------------------------

isnt(lc $meta->{name}, 'pg_migrate',
	'the distribution is not named pg_migrate (an unrelated PGXN distribution)');
like($meta->{name}, qr/\A[A-Za-z][A-Za-z0-9_]*\z/,
	'the distribution name is plain (letters, digits, underscores): NAME-VERSION.zip splits unambiguously');

# --- d. make dist --------------------------------------------------------------

SKIP:
{
	my ($out, $err) = ('', '');
	skip 'git is not installed', 1
	  unless eval { IPC::Run::run([ 'git', '--version' ], '>', \$out, '2>', \$err) };

	my $name = $meta->{name};
	my $version = $meta->{version};
	my $zipname = "$name-$version.zip";
	my $tmp = tempdir('pgxn_dist_XXXX', TMPDIR => 1, CLEANUP => 1);
	my @git = ('git', '-c', 'user.name=pg_migrate test', '-c', 'user.email=test@localhost',
		'-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', '-c', 'advice.detachedHead=false');
	my $make = $ENV{MAKE} || 'make';
	my @pgc = $ENV{PG_CONFIG} ? ("PG_CONFIG=$ENV{PG_CONFIG}") : ();

	my $run = sub {
		my ($what, @cmd) = @_;
		my ($o, $e) = ('', '');
		my $okay = IPC::Run::run(\@cmd, '<', \undef, '>', \$o, '2>', \$e);
		return ($okay, $o, $e);
	};

	# a snapshot of the tree under test (which may be a copy without .git,
	# or have uncommitted work), committed in a repository of its own;
	# .gitignore keeps build products out as it does in the real one
	my $snap = "$tmp/snapshot";
	mkdir $snap or die "mkdir $snap: $!";
	my ($okay, $o, $e) = $run->('copy', 'sh', '-c',
		'tar -C "$1" --exclude=./.git --exclude=./tmp_check -cf - . | tar -C "$2" -xf -',
		'sh', $root, $snap);
	BAIL_OUT("cannot copy the tree: $e") unless $okay;
	unlink "$snap/$zipname";
	for my $step ([ 'init', '-q', $snap ], [ '-C', $snap, 'add', '-A' ],
		[ '-C', $snap, 'commit', '-q', '-m', 'snapshot of the tree under test' ])
	{
		($okay, $o, $e) = $run->('git', @git, @$step);
		BAIL_OUT("git @$step: $e") unless $okay;
	}

	my $clone = "$tmp/clone";
	($okay, $o, $e) = $run->('clone', @git, 'clone', '-q', $snap, $clone);
	BAIL_OUT("git clone: $e") unless $okay;

	($okay, $o, $e) = $run->('dist', $make, '-s', '-C', $clone, 'dist', @pgc);
	ok($okay, 'make dist succeeds in a clean clone') or diag("stdout:\n$o\nstderr:\n$e");
	my $zip = "$clone/$zipname";
	ok(-f $zip, "make dist writes $zipname (name and version of META.json)");

	my @members;
	my %content;
	if (-f $zip)
	{
		my $u = IO::Uncompress::Unzip->new($zip)
		  or BAIL_OUT("cannot open $zip: $UnzipError");
		for (my $status = 1; $status > 0; $status = $u->nextStream)
		{
			my $member = $u->getHeaderInfo->{Name};
			push @members, $member;
			if ($member eq "$name-$version/META.json")
			{
				local $/;
				$content{META} = <$u>;
			}
		}
		$u->close;
	}
	my @files = grep { !m{/\z} } @members;
	note(scalar(@files) . " files in $zipname");
	ok(@members && !grep({ index($_, "$name-$version/") != 0 } @members),
		"every entry of the zip is under $name-$version/");

	my ($lsok, $ls) = $run->('ls-files', 'git', '-C', $clone, 'ls-files');
	my @tracked = sort split /\n/, $ls;
	is_deeply([ sort map { substr($_, length("$name-$version/")) } @files ], \@tracked,
		'the zip holds exactly the committed files');

	my %in = map { $_ => 1 } @files;
	my @want = ('META.json', 'Makefile', 'README.md', 'CHANGELOG.md',
		(map { "$_.control" } sort keys %control),
		(map { $meta->{provides}{$_}{file} } sort keys %{ $meta->{provides} }),
		grep { -f "$root/$_" } map { s{\A\Q$root\E/}{}r } glob("$root/*--*.sql"), glob("$root/*--*.control"));
	my @missing = grep { !$in{"$name-$version/$_"} } @want;
	ok(!@missing, 'the zip has META.json, the Makefile, the control files and every SQL script')
	  or diag("missing: @missing");
	is($content{META} // '', $meta_text, "the zip's META.json is the tree's");

	# the zip lying in the tree does not make it dirty
	($okay, $o, $e) = $run->('dist again', $make, '-s', '-C', $clone, 'dist', @pgc);
	ok($okay, 'make dist runs again with the zip present') or diag($e);

	# uncommitted changes: refused, and no zip
	unlink $zip;
	open my $fh, '>>', "$clone/README.md" or die $!;
	print $fh "\nuncommitted\n";
	close $fh;
	($okay, $o, $e) = $run->('dirty', $make, '-s', '-C', $clone, 'dist', @pgc);
	ok(!$okay, 'make dist fails with a modified file');
	like($e, qr/uncommitted changes.*README\.md/s, 'and says which change it refuses')
	  or diag($e);
	ok(!-e $zip, 'and writes no zip');

	($okay) = $run->('checkout', 'git', '-C', $clone, 'checkout', '-q', '--', 'README.md');
	open $fh, '>', "$clone/stray.sql" or die $!;
	close $fh;
	($okay, $o, $e) = $run->('untracked', $make, '-s', '-C', $clone, 'dist', @pgc);
	ok(!$okay && $e =~ /uncommitted changes.*stray\.sql/s && !-e $zip,
		'make dist fails with an untracked file, naming it, and writes no zip')
	  or diag($e);
}

done_testing();
