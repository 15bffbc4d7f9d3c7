; corpus/equivalent/x86_64-inb.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x60 (bvsub RSP (_ bv8 64))))
(let ((?x99 (bvadd ?x60 (_ bv8 64))))
(let (($x80 (and (distinct ?x99 RSP) true)))
(let (($x156 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x230 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x114 (= TF (_ bv0 1))))
(let (($x119 (= VM (_ bv0 1))))
(let (($x136 (= DF (_ bv0 1))))
(and $x136 $x119 $x114 $x230 (or $x156 $x80)))))))))))
(check-sat)
