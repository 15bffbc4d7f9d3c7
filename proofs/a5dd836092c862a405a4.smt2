; corpus/equivalent/x86_64-sysv-clobbers-rcx.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x876 (bvsub RSP (_ bv8 64))))
(let ((?x372 (bvadd ?x876 (_ bv8 64))))
(let (($x201 (and (distinct ?x372 RSP) true)))
(let (($x711 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x323 (= VM (_ bv0 1))))
(let (($x244 (= DF (_ bv0 1))))
(and $x244 $x323 (or $x711 $x201)))))))))
(check-sat)
