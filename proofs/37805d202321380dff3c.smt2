; corpus/history/5.13-altnot/5.13-x86_64-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x3776 (bvsub RSP (_ bv8 64))))
(let ((?x856 (bvadd ?x3776 (_ bv8 64))))
(let (($x922 (and (distinct ?x856 RSP) true)))
(let (($x638 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x3881 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x220 (= TF (_ bv0 1))))
(let (($x40 (= VM (_ bv0 1))))
(let (($x932 (= DF (_ bv0 1))))
(and $x932 $x40 $x220 $x3881 (or $x638 $x922)))))))))))
(check-sat)
