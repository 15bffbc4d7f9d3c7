; corpus/not-equivalent/x86_64-clts-dropped.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun CR0 () (_ BitVec 64))
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x895 (bvand CR0 (bvnot (_ bv8 64)))))
(let (($x500 (and (distinct ?x895 CR0) true)))
(let ((?x761 (bvsub RSP (_ bv8 64))))
(let ((?x172 (bvadd ?x761 (_ bv8 64))))
(let (($x1011 (and (distinct ?x172 RSP) true)))
(let (($x405 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x1236 (= VM (_ bv0 1))))
(let (($x799 (= DF (_ bv0 1))))
(and $x799 $x1236 (or $x405 $x1011 $x500)))))))))))
(check-sat)
